using Bert.Loading;

namespace Bert.Synthetic;

/// <summary>Fills a planned tensor with its deterministic values, already rounded to the stored element type
/// (so the widened F32 values are exactly what a loader reads back, and what the ONNX graph uses).</summary>
internal static class WeightGenerator
{
    public static float[] Generate(PlannedTensor tensor, BertConfig config, SyntheticOptions options)
    {
        string source = tensor.CopyOf ?? tensor.Name;
        var init = tensor.Init;
        if (init == TensorInit.Copy) init = source == "cls.predictions.bias" ? TensorInit.Bias : TensorInit.WordEmbedding;
        (double mean, double std) = init switch
        {
            TensorInit.Weight or TensorInit.WordEmbedding => (0.0, options.InitializerRange),
            TensorInit.Bias => (0.0, options.BiasStd),
            TensorInit.NormWeight => (1.0, options.LayerNormStd),
            _ => (0.0, options.LayerNormStd),
        };

        var values = new float[tensor.ElementCount];
        long blocks = (values.LongLength + DeterministicRandom.BlockSize - 1) / DeterministicRandom.BlockSize;
        // Blocks are independent streams, so they fill in parallel with the same result as a serial loop.
        Parallel.For(0L, blocks, block =>
        {
            int start = (int)(block * DeterministicRandom.BlockSize);
            var span = values.AsSpan(start, Math.Min(DeterministicRandom.BlockSize, values.Length - start));
            new DeterministicRandom(DeterministicRandom.StreamSeed(options.Seed, source, block)).FillNormal(span, mean, std);
            RoundToStoredType(span, options.DType);
        });
        if (init == TensorInit.WordEmbedding)
            values.AsSpan(config.PadTokenId * config.HiddenSize, config.HiddenSize).Clear(); // HF zeroes the padding_idx row
        return values;
    }

    private static void RoundToStoredType(Span<float> values, SafeTensorDType dtype)
    {
        if (dtype == SafeTensorDType.F16)
            for (int i = 0; i < values.Length; i++) values[i] = (float)(Half)values[i];
        else if (dtype == SafeTensorDType.BF16)
            for (int i = 0; i < values.Length; i++)
                values[i] = BitConverter.Int32BitsToSingle(SafeTensorsWriter.ToBFloat16Bits(values[i]) << 16);
    }
}
