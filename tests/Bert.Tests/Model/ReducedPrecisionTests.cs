using Bert.Kernels.Reference;
using Bert.Loading;
using Bert.Synthetic;
using Xunit.Abstractions;

namespace Bert.Tests.Model;

/// <summary>
/// bfloat16 and int8 weights end to end (<see cref="BertLoadOptions.WeightType"/>): exactly the F32 model on the rounded
/// weights for bfloat16, cosine bounds against the F32 outputs for both, and no widened copy of a BF16 checkpoint.
/// </summary>
public sealed class ReducedPrecisionTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-reduced-" + Guid.NewGuid().ToString("N"));

    // A MiniLM-L6-like shape (H 384, 6 heads of 64, intermediate 1536), 4 layers, small vocabulary so the encoder's dense
    // layers dominate the bytes. std 0.05 weights and O(0.1–0.3) biases/LayerNorm perturbations let every layer move the
    // output (at HF's 0.02 the residual stream hides the layers and any bound passes); pre-activations reach |x| ~ 1–3.
    private static SyntheticOptions Options(SafeTensorDType dtype) => new()
    {
        Seed = 11, DType = dtype, InitializerRange = 0.05, BiasStd = 0.1, LayerNormStd = 0.3,
        Config = SyntheticPresets.Tiny with { HiddenSize = 384, NumAttentionHeads = 6, IntermediateSize = 1536, NumHiddenLayers = 4, VocabSize = 600 },
    };

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private SyntheticCheckpoint Create(string name, SafeTensorDType dtype) => SyntheticCheckpoint.Create(Path.Combine(_root, name), Options(dtype));

    private static (float[] Hidden, float[] Pooled) Run(BertModel model, PaddedBatch batch)
    {
        var hidden = new float[batch.Batch * batch.Seq * model.Config.HiddenSize];
        var pooled = new float[batch.Batch * model.Config.HiddenSize];
        model.Forward(batch.Input, new BertOutputs { LastHiddenState = hidden, PoolerOutput = pooled });
        return (hidden, pooled);
    }

    [Fact]
    public void BFloat16EqualsF32ModelOnRoundedWeights()
    {
        // The bfloat16 GEMM widens each weight and then does exactly the F32 GEMM's arithmetic (same blocking, same
        // order), so the whole model must equal, bit for bit, the F32 model whose encoder weights were rounded by the
        // independent scalar twin. Any rounding-mode slip (truncation, ties away) or a widened-copy path that skips the
        // rounding shows up as a difference.
        var ckpt = Create("f32", SafeTensorDType.F32);
        var batch = new PaddedBatch(ckpt.Config.VocabSize, 5, 9, 70, 3); // 70 tokens: the packed GEMM path too
        using var bf16 = BertModel.Load(ckpt.Folder, new BertLoadOptions { WeightType = BertWeightType.BFloat16 });
        using var checkpoint = BertCheckpoint.Open(ckpt.Folder);
        var rounded = new InMemoryWeights();
        foreach (var t in checkpoint.Tensors)
        {
            int[] shape = [.. t.Shape.Select(d => (int)d)];
            var data = checkpoint.Weights.Get(t.Name, shape).ToArray();
            if (t.Name.Contains("encoder.layer.", StringComparison.Ordinal) && t.Name.EndsWith(".weight", StringComparison.Ordinal) && shape.Length == 2)
                for (int i = 0; i < data.Length; i++) data[i] = BitConverter.UInt32BitsToSingle((uint)NaiveQuantized.ToBFloat16(data[i]) << 16);
            rounded.Add(t.Name, shape, data);
        }
        using var reference = BertModel.FromWeights(checkpoint.Config, rounded);
        var (h1, p1) = Run(bf16, batch);
        var (h2, p2) = Run(reference, batch);
        Assert.Equal(h2, h1);
        Assert.Equal(p2, p1);
        var (h32, _) = Run(BertModel.Load(ckpt.Folder), batch);
        Assert.NotEqual(h32, h1); // the option really changed the weights
    }

    [Fact]
    public void BFloat16CheckpointIsUsedWithoutWidening()
    {
        // Same arithmetic as widening at load (F32 option), so bit-identical outputs; but the encoder's weights are packed
        // as bfloat16 from the map's bits: the load allocates their bfloat16 size (0.5× F32), plus a transient copy of
        // Q/K/V while they are stacked (0.25×) and the F32-kept tensors (~0.07×). Widening would add ≥ 1.0× on top.
        var ckpt = Create("bf16", SafeTensorDType.BF16);
        var batch = new PaddedBatch(ckpt.Config.VocabSize, 6, 12, 80);
        var c = ckpt.Config;
        long encoderF32Bytes = 4L * c.NumHiddenLayers * (4L * c.HiddenSize * c.HiddenSize + 2L * c.HiddenSize * c.IntermediateSize);
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var raw = BertModel.Load(ckpt.Folder, new BertLoadOptions { WeightType = BertWeightType.BFloat16 });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        using var widened = BertModel.Load(ckpt.Folder);
        log.WriteLine($"load allocated {allocated:N0} B; encoder dense weights as F32 would be {encoderF32Bytes:N0} B");
        Assert.True(allocated < encoderF32Bytes, $"loading allocated {allocated:N0} B: the encoder weights were widened");
        var (h1, p1) = Run(raw, batch);
        var (h2, p2) = Run(widened, batch);
        Assert.Equal(h2, h1);
        Assert.Equal(p2, p1);
    }

    [Theory]
    // bfloat16: each weight is off by ≤ 2⁻⁹ relative (std ~2⁻¹⁰·⁵), independently, so each output of the 24 GEMMs moves
    // by ~0.1 % relative noise, amplified where attention is peaked: measured worst token 1 − 9e-6, pooled 1 − 9e-6. The
    // bound is the goal 0.9999, 10× above the measured deficit, and a truncating conversion still passes it but
    // is caught exactly by BFloat16EqualsF32ModelOnRoundedWeights.
    [InlineData(BertWeightType.BFloat16, 0.9999)]
    // int8: weights carry up to 1/254 of their row's max in rounding error (activations far less), per GEMM ~0.3 %
    // relative noise: measured worst token 0.99975, mean-pooled 0.99980, pooler 0.99972 (18× inside the bound). The
    // bound is the goal 0.995; a wrong scale (e.g. /128 or max over the whole matrix) breaks it.
    [InlineData(BertWeightType.Int8, 0.995)]
    public void CosineToF32PerTokenAndPerEmbedding(BertWeightType type, double minCosine)
    {
        var ckpt = Create("cos-" + type, SafeTensorDType.F32);
        var batch = new PaddedBatch(ckpt.Config.VocabSize, 8, 16, 100, 7, 40);
        using var f32 = BertModel.Load(ckpt.Folder);
        using var reduced = BertModel.Load(ckpt.Folder, new BertLoadOptions { WeightType = type });
        var (h, pooler) = Run(f32, batch);
        var (hr, poolerR) = Run(reduced, batch);
        int hs = ckpt.Config.HiddenSize;
        double worstToken = 1, worstMean = 1, worstPooler = 1;
        for (int b = 0; b < batch.Batch; b++)
        {
            var mean = new double[hs];
            var meanR = new double[hs];
            for (int s = 0; s < batch.Lengths[b]; s++)
            {
                int row = (b * batch.Seq + s) * hs;
                worstToken = Math.Min(worstToken, Cosine(h.AsSpan(row, hs), hr.AsSpan(row, hs)));
                for (int d = 0; d < hs; d++) { mean[d] += h[row + d]; meanR[d] += hr[row + d]; }
            }
            worstMean = Math.Min(worstMean, Cosine(mean.Select(v => (float)v).ToArray(), meanR.Select(v => (float)v).ToArray()));
            worstPooler = Math.Min(worstPooler, Cosine(pooler.AsSpan(b * hs, hs), poolerR.AsSpan(b * hs, hs)));
        }
        log.WriteLine($"{type}: worst cosine per token {worstToken:F7}, mean-pooled {worstMean:F7}, pooler_output {worstPooler:F7}");
        Assert.True(worstToken >= minCosine, $"token cosine {worstToken}");
        Assert.True(worstMean >= minCosine, $"mean-pooled cosine {worstMean}");
        Assert.True(worstPooler >= minCosine, $"pooler cosine {worstPooler}");
        Assert.True(worstToken < 1 - 1e-9, "outputs equal the F32 model's: the weight type was not applied");
    }

    [Fact]
    public void UndefinedWeightTypeIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BertModel.Load(_root, new BertLoadOptions { WeightType = (BertWeightType)7 }));
        Assert.Equal("options", e.ParamName);
        Assert.Throws<ArgumentNullException>(() => BertModel.Load(_root, null!));
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }
}
