using System.Diagnostics;
using Bert.Kernels;

namespace Bert.Benchmarks;

/// <summary>
/// GEMM efficiency in one run: <c>dotnet run -c Release --project benchmarks/Bert.Benchmarks -- gemm [seconds]</c>.
/// Measures the Vector512 FMA peak (<see cref="FmaPeak"/>) on the kernel threads, then each BERT-Base GEMM shape with
/// F32 weights packed at load (what the encoder uses on AVX-512), F32 [out, in] views (packed per call, as heads and
/// CPUs without AVX-512 run), bfloat16 and int8 weights, interleaving each shape's runs with peak runs of the same FLOP count so that load
/// from other processes hits both alike; prints GFLOP/s (int8: 2·m·k·n integer ops per second) and % of the peak.
/// </summary>
internal static class GemmEfficiency
{
    /// <summary>(m, k, n): QKV fused (n = 2304), attention output (768), FFN up (3072) and down (k = 3072), at seq 128 and 512.</summary>
    private static readonly (int M, int K, int N)[] Shapes =
    [
        (128, 768, 768), (128, 768, 2304), (128, 768, 3072), (128, 3072, 768),
        (512, 768, 768), (512, 768, 2304), (512, 768, 3072), (512, 3072, 768),
        (8, 768, 2304), (8, 768, 3072), (8, 3072, 768),
    ];

    public static int Run(string[] args)
    {
        double seconds = args.Length > 1 && double.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 1;
        Console.WriteLine($"{KernelThreads.Concurrency} kernel threads; Vector512 accelerated {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
        Console.WriteLine("| m×k×n | peak GFLOP/s | F32 packed GFLOP/s | F32 packed % peak | F32 view % peak | BF16 GFLOP/s | BF16 % peak | INT8 GOP/s | INT8 ÷ peak |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var rng = new Random(1);
        foreach (var (m, k, n) in Shapes)
        {
            float[] R(int len) => [.. Enumerable.Range(0, len).Select(_ => (float)(rng.NextDouble() - 0.5))];
            var x = R(m * k);
            var y = new float[m * n];
            var f32 = LinearWeight.Create(R(n * k), R(n), n, k);
            var packed = LinearWeight.PackFloat32(f32);
            var bf16 = f32.ToBFloat16();
            var int8 = f32.ToInt8();
            long flops = 2L * m * k * n;
            Action[] runs = [() => FmaPeak.Run(flops), () => Gemm.Linear(x, packed, m, y), () => Gemm.Linear(x, f32, m, y), () => Gemm.Linear(x, bf16, m, y), () => Gemm.Linear(x, int8, m, y)];
            var times = new List<double>[runs.Length];
            for (int i = 0; i < runs.Length; i++) times[i] = [];
            foreach (var r in runs) r(); // warm-up (JIT tiers, thread-local buffers)
            var budget = Stopwatch.StartNew();
            do
                for (int i = 0; i < runs.Length; i++) times[i].Add(Time(runs[i]));
            while (budget.Elapsed.TotalSeconds < runs.Length * seconds);
            double Rate(int i) => flops / BlockTiming.Median(times[i]) / 1e9;
            double peak = Rate(0);
            Console.WriteLine($"| {m}×{k}×{n} | {peak:F0} | {Rate(1):F0} | {100 * Rate(1) / peak:F0} % | {100 * Rate(2) / peak:F0} % | {Rate(3):F0} | {100 * Rate(3) / peak:F0} % | {Rate(4):F0} | {Rate(4) / peak:F2} |");
        }
        Console.WriteLine("Medians of interleaved runs on a shared machine: compare within one run only.");
        return 0;
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
