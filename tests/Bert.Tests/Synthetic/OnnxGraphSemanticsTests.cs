using Bert.Loading;
using Bert.Synthetic;
using Microsoft.ML.OnnxRuntime;

namespace Bert.Tests.Synthetic;

// The ONNX graph must compute BERT as modeling_bert.py defines it. The oracle here is a plain double-precision
// forward pass written in this file (one sequence at a time, padded keys skipped rather than masked), fed with the
// very weights the checkpoint stores. A 1-layer, H=4, 2-head model keeps every step small enough to read.
public sealed class OnnxGraphSemanticsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synth-sem-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SyntheticOptions Small(SyntheticHead head, string act) => new()
    {
        Config = new BertConfig
        {
            VocabSize = 32, HiddenSize = 4, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 8,
            MaxPositionEmbeddings = 16, HiddenAct = act,
        },
        Head = head, NumLabels = 3, WriteOnnx = true, Seed = 7,
        // Much larger weights than HF's 0.02 make the attention far from uniform and drive the activations into their
        // non-linear range, so a wrong scale, mask or activation constant shows (checked by mutating the graph).
        InitializerRange = 0.5, LayerNormStd = 0.5, BiasStd = 0.5,
    };

    // Row 0: 5 real tokens with both segments; row 1: 3 real tokens then 2 pads.
    private static readonly long[] Ids = [2, 10, 11, 12, 3, 2, 20, 3, 0, 0];
    private static readonly long[] Mask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    private static readonly long[] Types = [0, 0, 0, 1, 1, 0, 0, 0, 0, 0];

    [Theory]
    [InlineData(SyntheticHead.BertModel, "gelu")]
    [InlineData(SyntheticHead.BertModel, "gelu_new")]
    [InlineData(SyntheticHead.BertModel, "relu")]
    [InlineData(SyntheticHead.MaskedLM, "gelu")]
    [InlineData(SyntheticHead.PreTraining, "gelu_pytorch_tanh")]
    [InlineData(SyntheticHead.NextSentencePrediction, "gelu")]
    [InlineData(SyntheticHead.SequenceClassification, "gelu")]
    [InlineData(SyntheticHead.TokenClassification, "gelu")]
    [InlineData(SyntheticHead.QuestionAnswering, "gelu")]
    [InlineData(SyntheticHead.MaskedLM, "gelu", SafeTensorDType.BF16)] // the graph holds the widened bf16 values
    [InlineData(SyntheticHead.MaskedLM, "gelu", SafeTensorDType.F16, MlmDecoderStorage.Untied)]
    public void OnnxRuntimeMatchesAPlainDoublePrecisionBert(SyntheticHead head, string act,
        SafeTensorDType dtype = SafeTensorDType.F32, MlmDecoderStorage decoder = MlmDecoderStorage.Tied)
    {
        var options = Small(head, act) with { DType = dtype, Decoder = decoder };
        var checkpoint = SyntheticCheckpoint.Create(Path.Combine(_dir, $"{head}-{act}-{dtype}-{decoder}"), options);
        var reference = new PlainBert(options);
        using var session = new InferenceSession(checkpoint.OnnxPath!);
        using var results = session.Run(OnnxHeadsTests.Inputs(Ids, Mask, Types, 2, 5));
        var outputs = results.ToDictionary(r => r.Name, r => r.AsTensor<float>());

        for (int b = 0; b < 2; b++)
        {
            int length = b == 0 ? 5 : 3;
            var ids = Ids.Skip(5 * b).Take(length).Select(i => (int)i).ToArray();
            var types = Types.Skip(5 * b).Take(length).Select(i => (int)i).ToArray();
            var expected = reference.Outputs(ids, types);
            foreach (var (name, (perToken, rows)) in expected)
            {
                var tensor = outputs[name];
                for (int t = 0; t < rows.Length; t++)
                    for (int j = 0; j < rows[t].Length; j++)
                    {
                        float actual = !perToken ? tensor[b, j] : tensor.Rank == 2 ? tensor[b, t] : tensor[b, t, j];
                        // float32 graph vs double oracle: values are O(1–10) and LayerNorm divides by stds of ~0.1–1, so
                        // float rounding (1e-7 relative) grows to ~1e-5 at worst; 1e-4 still catches any real error.
                        Assert.True(Math.Abs(actual - rows[t][j]) <= 1e-4 * Math.Max(1, Math.Abs(rows[t][j])),
                            $"{name}[{b},{t},{j}]: ONNX {actual} vs reference {rows[t][j]}");
                    }
            }
        }
    }

    [Fact]
    public void PaddingDoesNotChangeTheRealTokens()
    {
        var options = Small(SyntheticHead.BertModel, "gelu") with { OnnxHiddenStates = true };
        var checkpoint = SyntheticCheckpoint.Create(Path.Combine(_dir, "pad"), options);
        using var session = new InferenceSession(checkpoint.OnnxPath!);
        using var padded = session.Run(OnnxHeadsTests.Inputs(Ids, Mask, Types, 2, 5));
        using var alone = session.Run(OnnxHeadsTests.Inputs([2, 20, 3], [1, 1, 1], [0, 0, 0], 1, 3));
        var p = padded.First(r => r.Name == "last_hidden_state").AsTensor<float>();
        var a = alone.First(r => r.Name == "last_hidden_state").AsTensor<float>();
        for (int t = 0; t < 3; t++)
            for (int j = 0; j < 4; j++)
                // Masked keys get exp(−3.4e38 − max) = 0 exactly; only summation order may differ between shapes.
                Assert.Equal(a[0, t, j], p[1, t, j], 1e-6f);
        var pooledPadded = padded.First(r => r.Name == "pooler_output").AsTensor<float>();
        var pooledAlone = alone.First(r => r.Name == "pooler_output").AsTensor<float>();
        for (int j = 0; j < 4; j++) Assert.Equal(pooledAlone[0, j], pooledPadded[1, j], 1e-6f);
    }
}
