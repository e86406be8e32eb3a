using System.Diagnostics;

namespace Bert.Benchmarks;

/// <summary>
/// Times several engines on one machine in alternating blocks: each block is one engine's calls for at least
/// <see cref="BlockSeconds"/> (or one call), after a pause of <see cref="SettleMs"/>.
/// </summary>
/// <remarks>
/// Why blocks and a pause, not alternate single calls: after a run, ONNX Runtime's pool threads keep spinning for
/// tens of milliseconds (measured on the quiet machine: a 20 ms pause was not enough, 50 ms was) and take a core from
/// whatever runs next. Alternating single calls timed ours 1.3–1.7× slower at 1×8 and 1×32 than running alone.
/// Blocks keep each engine in its own steady state (ORT keeps its default spinning, its fastest setting); alternating
/// them still spreads bursts of load from other processes over every engine.
/// </remarks>
internal static class BlockTiming
{
    /// <summary>Shortest block of one engine's calls.</summary>
    public const double BlockSeconds = 0.25;

    /// <summary>Pause before each block, so the previous engine's threads have gone to sleep.</summary>
    public const int SettleMs = 100;

    /// <summary>
    /// Rounds of one block per engine until every engine has at least minRuns timed calls and budgetSeconds have
    /// passed; returns each engine's call times in milliseconds.
    /// </summary>
    public static List<double>[] Run(IReadOnlyList<Action> engines, double budgetSeconds, int minRuns)
    {
        var times = engines.Select(_ => new List<double>()).ToArray();
        var budget = Stopwatch.StartNew();
        do
            for (int i = 0; i < engines.Count; i++) Block(engines[i], times[i]);
        while (times.Any(t => t.Count < minRuns) || budget.Elapsed.TotalSeconds < budgetSeconds);
        return times;
    }

    /// <summary>The median of the values (the mean of the middle two for an even count); the list is left as it is.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void Block(Action run, List<double> times)
    {
        Thread.Sleep(SettleMs);
        var block = Stopwatch.StartNew();
        do
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        while (block.Elapsed.TotalSeconds < BlockSeconds);
    }
}
