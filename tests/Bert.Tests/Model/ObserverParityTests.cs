using Bert.Synthetic;

namespace Bert.Tests.Model;

/// <summary>The observer's per-layer intermediates equal ONNX Runtime's hidden_states.{i}: how a mismatch is traced to its first layer.</summary>
public sealed class ObserverParityTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-model-observer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void EmbeddingsAndEveryLayerOutputMatchOnnxHiddenStates()
    {
        var ckpt = SyntheticCheckpoint.Create(_root, new SyntheticOptions { WriteOnnx = true, OnnxHiddenStates = true, Seed = 4 });
        var batch = PairBatch.Create(ckpt.Config.VocabSize, seed: 6, (5, 3), (2, 0));
        using var ort = new OnnxReference(ckpt.OnnxPath!);
        var expected = ort.Run(batch.Ids, batch.TypeIds, batch.Mask, batch.Batch, batch.Seq);
        using var model = BertModel.Load(ckpt.Folder);
        var seen = new Dictionary<string, float[]>();
        model.Observer = (name, values, _, _) => seen[name] = values.ToArray();
        HeadOutputs.Run(model, SyntheticHead.BertModel, batch);

        // hidden_states.0 is the embeddings output, hidden_states.{i+1} the output of layer i (HF's output_hidden_states).
        Assert.True(Compare.MaxAbs(expected["hidden_states.0"], seen["embeddings"]) <= 1e-4); // tolerance as in OnnxParityTests
        for (int i = 0; i < ckpt.Config.NumHiddenLayers; i++)
            Assert.True(Compare.MaxAbs(expected[$"hidden_states.{i + 1}"], seen[$"layer{i}.output"]) <= 1e-4, $"layer {i}");
        Assert.Equal(expected["pooler_output"].Length, seen["pooler_output"].Length);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
