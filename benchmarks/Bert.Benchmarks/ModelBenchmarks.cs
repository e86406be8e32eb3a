using BenchmarkDotNet.Attributes;

namespace Bert.Benchmarks;

/// <summary>
/// One forward pass (last_hidden_state + pooler_output) of a synthetic BERT, ours (packed, no padding) vs ONNX Runtime
/// (right-padded, as users feed it) on the same weights and thread count, for issue 9's shapes. Parity (max-abs over
/// the real tokens, pooler) is printed by the setup beside the timings.
/// </summary>
/// <remarks>
/// The checkpoint (F32 safetensors + model.onnx) is generated once into <c>models/synthetic-{preset}-bench</c> (git-ignored)
/// or the temp folder. Preset: environment variable <c>BERT_BENCH_PRESET</c> = base (default) or large.
/// Run: <c>dotnet run -c Release --project benchmarks/Bert.Benchmarks -- --filter '*ModelBenchmarks*'</c>; for one
/// table in under two minutes use the quick mode (<c>-- quick</c>, see <see cref="QuickBench"/>).
/// </remarks>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private BertModel _model = null!;
    private ModelWorkload _workload = null!;
    private Microsoft.ML.OnnxRuntime.InferenceSession _session = null!;

    /// <summary>batch × sequence, or "64 mixed" (64 sequences of 8–128 tokens).</summary>
    [ParamsSource(nameof(AllShapes))]
    public string Shape { get; set; } = "1x8";

    /// <summary>The shapes.</summary>
    public static IEnumerable<string> AllShapes => ModelWorkload.Shapes;

    /// <summary>Generates (once) and opens the checkpoint, builds the inputs, and prints parity.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string preset = Environment.GetEnvironmentVariable("BERT_BENCH_PRESET") ?? "base";
        string folder = ModelWorkload.EnsureCheckpoint(preset);
        _model = BertModel.Load(folder);
        _session = ModelWorkload.OpenSession(Path.Combine(folder, "model.onnx"));
        _workload = new ModelWorkload(_model, _session, Shape);
        _workload.Ours();
        _workload.OnnxRuntime();
        var (hidden, pooler) = _workload.Parity();
        var (real, padded) = _workload.Tokens;
        Console.WriteLine($"// Parity {preset} {Shape} ({real} real tokens, {padded} padded): last_hidden_state max-abs {hidden:E2}, pooler_output max-abs {pooler:E2}");
    }

    /// <summary>Releases the model and the session.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _workload.Dispose();
        _session.Dispose();
        _model.Dispose();
    }

    /// <summary>ONNX Runtime on the padded batch.</summary>
    [Benchmark(Baseline = true)]
    public void OnnxRuntime() => _workload.OnnxRuntime();

    /// <summary>Our packed forward pass.</summary>
    [Benchmark]
    public void Ours() => _workload.Ours();
}
