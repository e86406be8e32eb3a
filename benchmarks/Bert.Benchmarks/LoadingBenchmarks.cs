using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Bert;
using Bert.Loading;

namespace Bert.Benchmarks;

/// <summary>
/// Opening a BERT-Base-shaped checkpoint (default config: 110 M parameters, 440 MB as F32) from a warm page cache.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project benchmarks/Bert.Benchmarks -- --filter '*LoadingBenchmarks*'</c>.
/// The file is generated once per run (values are a cheap pattern: loading does not look at them).
/// <c>OpenAndGetAll</c>: config + header parse + mapping + every <c>Get</c> (shape-checked, no data touched).
/// <c>OpenGetAllTouchPages</c>: also reads one float per 4 KiB page, i.e. pays every page fault of the mapping.
/// <c>OpenAndWidenBf16</c>: the same checkpoint stored as BF16 (220 MB), widened to F32 arrays on Get.
/// </remarks>
[MemoryDiagnoser]
public class LoadingBenchmarks
{
    private string _root = "";
    private string _f32 = "";
    private string _bf16 = "";

    /// <summary>Writes the F32 and BF16 checkpoints to a temporary folder.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "bert-loading-bench-" + Environment.ProcessId);
        _f32 = BaseShapedCheckpoint.Write(Path.Combine(_root, "f32"), SafeTensorDType.F32);
        _bf16 = BaseShapedCheckpoint.Write(Path.Combine(_root, "bf16"), SafeTensorDType.BF16);
        OpenGetAllTouchPages(); // warm the page cache
    }

    /// <summary>Deletes the generated files.</summary>
    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    /// <summary>Open + Get every tensor.</summary>
    [Benchmark(Baseline = true)]
    public int OpenAndGetAll()
    {
        using var checkpoint = BertCheckpoint.Open(_f32);
        return GetAll(checkpoint, touchPages: false);
    }

    /// <summary>Open + Get every tensor + read one float per page.</summary>
    [Benchmark]
    public int OpenGetAllTouchPages()
    {
        using var checkpoint = BertCheckpoint.Open(_f32);
        return GetAll(checkpoint, touchPages: true);
    }

    /// <summary>Open a BF16 checkpoint + Get (widen) every tensor.</summary>
    [Benchmark]
    public int OpenAndWidenBf16()
    {
        using var checkpoint = BertCheckpoint.Open(_bf16);
        return GetAll(checkpoint, touchPages: false);
    }

    /// <summary>Gets every stored tensor with its stored shape; optionally reads one element per 4 KiB.</summary>
    internal static int GetAll(BertCheckpoint checkpoint, bool touchPages)
    {
        int checksum = 0;
        foreach (var tensor in checkpoint.Tensors)
        {
            int[] shape = tensor.Shape.Select(d => (int)d).ToArray();
            var span = checkpoint.Weights.Get(tensor.Name, shape).Span;
            checksum += span.Length;
            if (!touchPages) continue;
            for (int i = 0; i < span.Length; i += 1024) checksum += (int)span[i];
        }
        return checksum;
    }
}

/// <summary>A checkpoint folder with BERT-Base shapes (transformers' BertConfig defaults) as a BertForMaskedLM saves it.</summary>
internal static class BaseShapedCheckpoint
{
    /// <summary>Writes config.json and model.safetensors to <paramref name="folder"/> and returns it.</summary>
    public static string Write(string folder, SafeTensorDType dtype)
    {
        Directory.CreateDirectory(folder);
        var c = new BertConfig();
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(new { architectures = new[] { "BertForMaskedLM" }, model_type = "bert" }));
        var tensors = Tensors(c).ToList();
        var specs = tensors.Select(t => new SafeTensorSpec(t.Name, dtype, t.Shape));
        using var writer = new SafeTensorsWriter(Path.Combine(folder, "model.safetensors"), specs, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var (name, shape) in tensors)
        {
            var values = new float[shape.Aggregate(1, (a, b) => a * b)];
            for (int i = 0; i < values.Length; i++) values[i] = (i % 97 - 48) * 0.001f;
            writer.Write(name, values);
        }
        return folder;
    }

    private static IEnumerable<(string Name, int[] Shape)> Tensors(BertConfig c)
    {
        int h = c.HiddenSize, i = c.IntermediateSize;
        yield return ("bert.embeddings.word_embeddings.weight", [c.VocabSize, h]);
        yield return ("bert.embeddings.position_embeddings.weight", [c.MaxPositionEmbeddings, h]);
        yield return ("bert.embeddings.token_type_embeddings.weight", [c.TypeVocabSize, h]);
        yield return ("bert.embeddings.LayerNorm.weight", [h]);
        yield return ("bert.embeddings.LayerNorm.bias", [h]);
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string p = $"bert.encoder.layer.{l}.";
            foreach (var (name, rows, cols) in new[] { ("attention.self.query", h, h), ("attention.self.key", h, h), ("attention.self.value", h, h),
                ("attention.output.dense", h, h), ("intermediate.dense", i, h), ("output.dense", h, i) })
            {
                yield return (p + name + ".weight", [rows, cols]);
                yield return (p + name + ".bias", [rows]);
            }
            foreach (string norm in new[] { "attention.output.LayerNorm", "output.LayerNorm" })
            {
                yield return (p + norm + ".weight", [h]);
                yield return (p + norm + ".bias", [h]);
            }
        }
        yield return ("bert.pooler.dense.weight", [h, h]);
        yield return ("bert.pooler.dense.bias", [h]);
        yield return ("cls.predictions.transform.dense.weight", [h, h]);
        yield return ("cls.predictions.transform.dense.bias", [h]);
        yield return ("cls.predictions.transform.LayerNorm.weight", [h]);
        yield return ("cls.predictions.transform.LayerNorm.bias", [h]);
        yield return ("cls.predictions.bias", [c.VocabSize]);
    }
}
