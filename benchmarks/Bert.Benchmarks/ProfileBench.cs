using System.Diagnostics;
using System.Runtime.Intrinsics;
using Bert.Kernels;

namespace Bert.Benchmarks;

/// <summary>
/// Where a forward pass spends its time: <c>dotnet run -c Release --project benchmarks/Bert.Benchmarks -- profile</c>.
/// Times each kernel of one encoder layer of BERT-Base at 1×8, 1×128 and 64 packed mixed-length sequences, and of
/// all-MiniLM-L6-v2 on 100 sentences of 8–57 tokens (random weights packed as at load, no checkpoint), scales by the
/// layers, and prints the share of each with the GEMMs' GFLOP/s beside the
/// machine's measured FMA peak on the same threads.
/// </summary>
internal static unsafe class ProfileBench
{
    /// <summary>hidden, intermediate, heads, head size and layers of the profiled encoder.</summary>
    private readonly record struct Shape(int H, int I, int Heads, int D, int Layers);

    private static readonly Shape Base = new(768, 3072, 12, 64, 12);
    private static readonly Shape MiniLM = new(384, 1536, 12, 32, 6); // all-MiniLM-L6-v2

    public static int Run()
    {
        double peak = FmaPeak();
        Console.WriteLine($"{KernelThreads.Concurrency} kernel threads; FMA peak {peak:F0} GFLOP/s (Vector512 FMA loop, same threads)");
        foreach (var (name, lengths, shape) in new (string, int[], Shape)[]
        {
            ("BERT-Base 1x8", [8], Base), ("BERT-Base 1x128", [128], Base), ("BERT-Base 64 mixed", MixedLengths(64, 8, 129), Base),
            // One default-budget batch of the embedding benchmark's kind of sentences (8–57 tokens).
            ("MiniLM 100 sentences", MixedLengths(100, 8, 58), MiniLM),
        })
            Profile(name, lengths, peak, shape);
        return 0;
    }

    private static int[] MixedLengths(int count, int min, int maxExclusive)
    {
        var rng = new Random(7);
        return [.. Enumerable.Range(0, count).Select(_ => rng.Next(min, maxExclusive))];
    }

    private static void Profile(string name, int[] lengths, double peak, Shape shape)
    {
        var (H, I, Heads, D, Layers) = shape;
        var cu = new int[lengths.Length + 1];
        for (int i = 0; i < lengths.Length; i++) cu[i + 1] = cu[i] + lengths[i];
        int t = cu[^1], maxSeq = lengths.Max();
        var rng = new Random(1);
        float[] R(int n) { var a = GC.AllocateUninitializedArray<float>(n); for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() - 0.5) * 0.1f; return a; }
        var x = R(t * H);
        // Packed at load, as the encoder keeps them on AVX-512.
        var qkvW = LinearWeight.PackFloat32(LinearWeight.Create(R(3 * H * H), R(3 * H), 3 * H, H));
        var outW = LinearWeight.PackFloat32(LinearWeight.Create(R(H * H), R(H), H, H));
        var upW = LinearWeight.PackFloat32(LinearWeight.Create(R(I * H), R(I), I, H));
        var downW = LinearWeight.PackFloat32(LinearWeight.Create(R(H * I), R(H), H, I));
        var qkv = new float[t * 3 * H];
        var context = new float[t * H];
        var inter = new float[t * I];
        var y = new float[t * H];
        var gamma = R(H);
        var scratch = new float[Attention.ScratchLength(maxSeq, D)];

        var rows = new List<(string Name, double Ms, double Flops)>
        {
            ("QKV GEMM", Time(() => Gemm.Linear(x, qkvW, t, qkv)), 2.0 * t * H * 3 * H),
            ("attention", Time(() => Attention.Forward(qkv, qkv.AsSpan(H), qkv.AsSpan(2 * H), 3 * H, default, cu, maxSeq, Heads, D, scratch, context)),
                lengths.Sum(n => 4.0 * n * n * H)),
            ("output GEMM", Time(() => Gemm.Linear(context, outW, t, y)), 2.0 * t * H * H),
            ("add+LayerNorm ×2", 2 * Time(() => Normalization.AddLayerNorm(y, x, gamma, gamma, 1e-12f, t, H, y)), 0),
            ("FFN up GEMM+GELU", Time(() => Gemm.Linear(x, upW, t, inter, GemmActivation.Gelu)), 2.0 * t * H * I),
            ("FFN down GEMM", Time(() => Gemm.Linear(inter, downW, t, y)), 2.0 * t * I * H),
        };
        double total = rows.Sum(r => r.Ms) * Layers;
        Console.WriteLine($"\n{name}: {t} tokens, encoder ≈ {total:F2} ms ({Layers} layers, kernels timed alone)");
        Console.WriteLine($"| kernel | ms ×{Layers} layers | share | GFLOP/s | % of FMA peak |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (kernel, ms, flops) in rows)
        {
            string rate = flops > 0 ? $"{flops / ms / 1e6:F0}" : "";
            string share = flops > 0 ? $"{flops / ms / 1e6 / peak:P0}" : "";
            Console.WriteLine($"| {kernel} | {ms * Layers:F2} | {ms * Layers / total:P0} | {rate} | {share} |");
        }
    }

    // Median ms of repeated calls for about 0.4 s (at least 5).
    private static double Time(Action action)
    {
        action();
        var samples = new List<double>();
        var budget = Stopwatch.StartNew();
        while (samples.Count < 5 || budget.Elapsed.TotalSeconds < 0.4)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        samples.Sort();
        return samples[samples.Count / 2];
    }

    private struct PeakJob
    {
        public long Iterations;
        public float Sink;
    }

    // GFLOP/s of independent Vector512 FMA chains on all kernel threads (one task per thread).
    private static double FmaPeak()
    {
        if (!Vector512.IsHardwareAccelerated) return double.NaN;
        var job = new PeakJob { Iterations = 20_000_000 };
        int threads = KernelThreads.Concurrency;
        KernelThreads.Run(&PeakTask, &job, threads);
        var best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            long start = Stopwatch.GetTimestamp();
            KernelThreads.Run(&PeakTask, &job, threads);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return job.Iterations * 12.0 * 16 * 2 * threads / best / 1e9;
    }

    private static void PeakTask(void* context, int t, int slot)
    {
        var job = (PeakJob*)context;
        var m = Vector512.Create(0.999f);
        var a = Vector512.Create(0.001f);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0; i < job->Iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a); c2 = Vector512.FusedMultiplyAdd(c2, m, a);
            c3 = Vector512.FusedMultiplyAdd(c3, m, a); c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a); c8 = Vector512.FusedMultiplyAdd(c8, m, a);
            c9 = Vector512.FusedMultiplyAdd(c9, m, a); c10 = Vector512.FusedMultiplyAdd(c10, m, a); c11 = Vector512.FusedMultiplyAdd(c11, m, a);
        }
        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        job->Sink += Vector512.Sum(sum); // keeps the loop alive (races on the sink are harmless)
    }
}
