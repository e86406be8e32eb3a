using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Bert.Cli.Output;

namespace Bert.Cli.Commands;

/// <summary>
/// <c>bert bench</c>: a quick timing of this machine's forward pass on the model — <c>batch</c> sequences of
/// <c>seq</c> random token ids, packed (no padding), last_hidden_state only — after warm-up passes. It measures our
/// engine alone; the comparison with ONNX Runtime lives in benchmarks/Bert.Benchmarks.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var batch = new Option<int>("--batch", "-b") { Description = "Sequences per forward pass (default 1).", DefaultValueFactory = _ => 1 };
        var seq = new Option<int>("--seq", "-s") { Description = "Tokens per sequence (default 128; at most max_position_embeddings).", DefaultValueFactory = _ => 128 };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Timed passes (default 20).", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed passes first (default 3).", DefaultValueFactory = _ => 3 };
        var command = new Command("bench", "Time the forward pass on this machine (median and p90 latency, tokens per second).") { model, revision, batch, seq, iterations, warmup };
        CliRun.Action(command, async (parse, ct) =>
        {
            int b = parse.GetValue(batch), s = parse.GetValue(seq), n = parse.GetValue(iterations), w = parse.GetValue(warmup);
            if (b < 1 || s < 1 || n < 1 || w < 0) throw new UsageException("--batch, --seq and --iterations must be at least 1, --warmup at least 0.");
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            if (s > bert.Config.MaxPositionEmbeddings) throw new ArgumentException($"--seq {s} exceeds the model's max_position_embeddings {bert.Config.MaxPositionEmbeddings}.");
            if ((long)b * s * bert.Config.HiddenSize > 1L << 28) throw new ArgumentException("--batch × --seq × hidden_size exceeds 2^28 floats; use a smaller batch.");
            var times = Run(bert, b, s, n, w, ct);
            Array.Sort(times);
            double median = times[times.Length / 2], p90 = times[Math.Min(times.Length - 1, (int)Math.Ceiling(0.9 * times.Length) - 1)];
            double tokensPerSecond = b * s / (median / 1000);
            if (parse.GetValue(CommonOptions.Json))
                JsonLines.Write(new { Batch = b, Seq = s, Iterations = n, MedianMs = median, P90Ms = p90, TokensPerSecond = tokensPerSecond, Threads = Environment.ProcessorCount });
            else
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"batch {b} × seq {s}, {n} passes: median {median:F2} ms, p90 {p90:F2} ms, {tokensPerSecond:F0} tokens/s ({Environment.ProcessorCount} cores visible)"));
            return CliRun.Ok;
        });
        return command;
    }

    /// <summary>Milliseconds of each timed pass.</summary>
    private static double[] Run(BertModel model, int batch, int seq, int iterations, int warmup, CancellationToken ct)
    {
        int tokens = batch * seq;
        var random = new Random(1);
        // Ids above the usual special tokens (0..~100 in BERT vocabularies), below vocab_size.
        int low = Math.Min(1000, model.Config.VocabSize / 2);
        var ids = Enumerable.Range(0, tokens).Select(_ => random.Next(low, model.Config.VocabSize)).ToArray();
        var typeIds = new int[tokens];
        var cu = Enumerable.Range(0, batch + 1).Select(i => i * seq).ToArray();
        var hidden = new float[tokens * model.Config.HiddenSize];
        var times = new double[iterations];
        for (int i = -warmup; i < iterations; i++)
        {
            ct.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            model.Forward(new BertPackedInput(ids, typeIds, cu), new BertOutputs { LastHiddenState = hidden });
            if (i >= 0) times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return times;
    }
}
