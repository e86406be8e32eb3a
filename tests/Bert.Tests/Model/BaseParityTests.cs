using System.Diagnostics;
using Bert.Synthetic;
using Xunit.Abstractions;

namespace Bert.Tests.Model;

/// <summary>Parity at real shapes: a synthetic BERT-Base (H 768, 12 layers, vocab 30522) at sequence length 128 vs ONNX Runtime.</summary>
public sealed class BaseParityTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-model-base-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void BertBaseSeq128MatchesOnnxRuntime()
    {
        var clock = Stopwatch.StartNew();
        var ckpt = SyntheticCheckpoint.Create(_root, new SyntheticOptions { Config = SyntheticPresets.Base, WriteOnnx = true, Seed = 1 });
        var generated = clock.Elapsed;
        // Two padded rows (128 and 77 real tokens) so the mask is exercised at this size too.
        var batch = PairBatch.Create(ckpt.Config.VocabSize, seed: 8, (70, 55), (40, 34));
        Assert.Equal(128, batch.Seq);
        using var ort = new OnnxReference(ckpt.OnnxPath!, threads: 2);
        var expected = ort.Run(batch.Ids, batch.TypeIds, batch.Mask, batch.Batch, batch.Seq);
        var ortDone = clock.Elapsed;
        using var model = BertModel.Load(ckpt.Folder);
        var actual = HeadOutputs.Run(model, SyntheticHead.BertModel, batch);
        var oursDone = clock.Elapsed;

        double maxAbs = Compare.MaxAbs(expected["last_hidden_state"], actual["last_hidden_state"]);
        double cosine = Compare.Cosine(expected["last_hidden_state"], actual["last_hidden_state"]);
        double pooledMaxAbs = Compare.MaxAbs(expected["pooler_output"], actual["pooler_output"]);
        log.WriteLine($"base seq 128: last_hidden_state max-abs {maxAbs:E2}, cosine {cosine:F8}; pooler_output max-abs {pooledMaxAbs:E2}; " +
            $"generate {generated.TotalSeconds:F1} s, ORT {(ortDone - generated).TotalSeconds:F1} s, ours {(oursDone - ortDone).TotalSeconds:F1} s");
        // 12 layers of 768/3072-term float32 dot products summed in different orders by MLAS and our kernels: rounding
        // grows to ~1e-5 on O(1) LayerNorm outputs; 1e-3 (the bound) flags real errors, which move outputs by ≥ 1e-2.
        Assert.True(maxAbs <= 1e-3, $"max-abs {maxAbs:E2}");
        // Direction agreement to 1e-5: a single wrong layer or head drops the cosine far below this.
        Assert.True(cosine >= 0.99999, $"cosine {cosine}");
        Assert.True(pooledMaxAbs <= 1e-3, $"pooler max-abs {pooledMaxAbs:E2}");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
