using System.Diagnostics;

namespace Bert.Benchmarks;

/// <summary>
/// The README's main job: <c>dotnet run -c Release --project benchmarks/Bert.Benchmarks -- quick [seconds]</c>.
/// Builds the synthetic BERT-Base folder if absent, then for each of issue 9's shapes runs both engines (one call each
/// for warm-up and parity, then timed calls in alternating blocks for about <c>seconds</c> each, default 2, and at
/// least <see cref="MinRuns"/> of each) and prints one table: median ms ours, median ms ORT, ratio (ours ÷ ORT, lower is
/// better), the number of timed runs and max-abs parity. <c>BERT_BENCH_SHAPES</c> (comma-separated, e.g. "1x8,64 mixed")
/// picks shapes; <c>BERT_BENCH_PRESET</c> the checkpoint; <c>BERT_BENCH_WEIGHTS</c> (BFloat16, Int8) our weight type.
/// </summary>
/// <remarks>
/// Cost on 2 cores: the long shapes dominate (64 mixed: one run is seconds for us and about twice that for ORT, which
/// computes the padding), so the time budget is what the short shapes use, and the long ones stop at the minimum count.
/// </remarks>
internal static class QuickBench
{

    /// <summary>Fewest timed runs per engine and shape, so every figure is a median of several interleaved runs.</summary>
    private const int MinRuns = 3;

    public static int Run(string[] args)
    {
        double seconds = args.Length > 1 && double.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 2;
        string preset = Environment.GetEnvironmentVariable("BERT_BENCH_PRESET") ?? "base";
        // BERT_BENCH_WEIGHTS = Float32 (default), BFloat16 or Int8: our encoder weights (ORT stays F32).
        var weightType = Enum.Parse<BertWeightType>(Environment.GetEnvironmentVariable("BERT_BENCH_WEIGHTS") ?? "Float32", ignoreCase: true);
        var total = Stopwatch.StartNew();
        string folder = ModelWorkload.EnsureCheckpoint(preset);
        Console.WriteLine($"BERT-{preset} (synthetic, {folder}), {BertModel.KernelThreadCount} threads each, our weights {weightType}; checkpoint ready after {total.Elapsed.TotalSeconds:F0} s");
        using var model = BertModel.Load(folder, new BertLoadOptions { WeightType = weightType });
        ReportResidentMemory(model, folder);
        using var session = ModelWorkload.OpenSession(Path.Combine(folder, "model.onnx"));
        Console.WriteLine($"model and ORT session loaded after {total.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine("| shape | real / padded tokens | ms ours (packed) | ms ORT (padded) | ratio | runs | max-abs hidden | max-abs pooler |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var shape in Environment.GetEnvironmentVariable("BERT_BENCH_SHAPES")?.Split(',', StringSplitOptions.TrimEntries) ?? ModelWorkload.Shapes)
        {
            using var w = new ModelWorkload(model, session, shape);
            w.Ours();
            w.OnnxRuntime();
            var (hidden, pooler) = w.Parity();
            // Alternating blocks (see BlockTiming for why not alternate calls).
            var times = BlockTiming.Run([w.Ours, w.OnnxRuntime], 2 * seconds, MinRuns);
            var ours = times[0];
            double o = BlockTiming.Median(ours), r = BlockTiming.Median(times[1]);
            var (real, padded) = w.Tokens;
            Console.WriteLine($"| {shape} | {real} / {padded} | {o:F2} | {r:F2} | {o / r:F2} | {ours.Count} | {hidden:E1} | {pooler:E1} |");
        }
        Console.WriteLine($"total {total.Elapsed.TotalSeconds:F0} s (medians of runs in alternating blocks; compare ratios only within one run)");
        return 0;
    }

    // Resident set after one 1x128 pass, before ORT loads its own copy of the weights: the encoder's dense layers packed
    // at load (their mapped pages released), the mapped pages touched of the rest (embeddings: only the rows looked up),
    // the workspace and the runtime.
    private static void ReportResidentMemory(BertModel model, string folder)
    {
        int seq = 128;
        var ids = Enumerable.Range(0, seq).Select(i => 1000 + i).ToArray();
        model.Forward(new BertInput(ids, default, default, 1, seq), new BertOutputs { LastHiddenState = new float[seq * model.Config.HiddenSize] });
        using var self = Process.GetCurrentProcess();
        double weights = new FileInfo(Path.Combine(folder, "model.safetensors")).Length / 1e6, resident = self.WorkingSet64 / 1e6;
        Console.WriteLine($"resident after a 1x128 pass: {resident:F0} MB for {weights:F0} MB of weights ({resident / weights:F2}x; workspace {model.WorkspaceBytes / 1e6:F1} MB)");
    }
}
