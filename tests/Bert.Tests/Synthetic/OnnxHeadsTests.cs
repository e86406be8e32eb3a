using Bert.Synthetic;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Bert.Tests.Synthetic;

// ONNX Runtime loads the graph of every head, runs a padded batch, and returns the documented names and shapes.
public sealed class OnnxHeadsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synth-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<SyntheticHead> Heads() => new(Enum.GetValues<SyntheticHead>());

    [Theory]
    [MemberData(nameof(Heads))]
    public void EveryHeadRunsInOnnxRuntimeWithExpectedOutputs(SyntheticHead head)
    {
        var options = new SyntheticOptions { Head = head, NumLabels = 3, WriteOnnx = true, OnnxHiddenStates = true };
        var checkpoint = SyntheticCheckpoint.Create(Path.Combine(_dir, head.ToString()), options);
        var c = checkpoint.Config;

        using var session = new InferenceSession(checkpoint.OnnxPath!);
        // Batch of 2: the second row is padded after 3 tokens.
        long[] ids = [2, 40, 41, 42, 43, 3, 2, 50, 3, 0, 0, 0];
        long[] mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0];
        long[] types = [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0];
        using var results = session.Run(Inputs(ids, mask, types, 2, 6));
        var byName = results.ToDictionary(r => r.Name, r => r.AsTensor<float>());

        var expected = head switch
        {
            SyntheticHead.BertModel => new Dictionary<string, int[]> { ["last_hidden_state"] = [2, 6, c.HiddenSize], ["pooler_output"] = [2, c.HiddenSize] },
            SyntheticHead.MaskedLM => new() { ["logits"] = [2, 6, c.VocabSize] },
            SyntheticHead.NextSentencePrediction => new() { ["logits"] = [2, 2] },
            SyntheticHead.PreTraining => new() { ["prediction_logits"] = [2, 6, c.VocabSize], ["seq_relationship_logits"] = [2, 2] },
            SyntheticHead.SequenceClassification => new() { ["logits"] = [2, 3] },
            SyntheticHead.TokenClassification => new() { ["logits"] = [2, 6, 3] },
            _ => new() { ["start_logits"] = [2, 6], ["end_logits"] = [2, 6] },
        };
        for (int i = 0; i <= c.NumHiddenLayers; i++) expected[$"hidden_states.{i}"] = [2, 6, c.HiddenSize];
        Assert.Equal(expected.Keys.Order(), byName.Keys.Order());
        Assert.Equal(checkpoint.OnnxOutputNames, session.OutputMetadata.Keys.Take(checkpoint.OnnxOutputNames.Count));
        foreach (var (name, shape) in expected)
        {
            Assert.Equal(shape, byName[name].Dimensions.ToArray());
            Assert.All(byName[name].ToArray(), v => Assert.True(float.IsFinite(v), $"{name} has a non-finite value"));
        }
    }

    internal static List<NamedOnnxValue> Inputs(long[] ids, long[] mask, long[] types, int batch, int length) =>
    [
        NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, [batch, length])),
        NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, [batch, length])),
        NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(types, [batch, length])),
    ];
}
