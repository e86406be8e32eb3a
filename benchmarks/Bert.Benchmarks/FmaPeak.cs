using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Bert.Kernels;

namespace Bert.Benchmarks;

/// <summary>
/// The machine's arithmetic limit, measured: Vector512 FMAs with no memory traffic, on the same kernel threads the GEMM
/// uses. 12 independent accumulator chains per thread cover the FMA latency (4 cycles × 2 pipes on Zen 4 needs ≥ 8).
/// </summary>
internal static unsafe class FmaPeak
{
    private const int Chains = 12;

    /// <summary>FLOPs per loop iteration: 12 FMAs × 16 lanes × 2.</summary>
    public const int FlopsPerIteration = Chains * 16 * 2;

    /// <summary>Runs about <paramref name="flops"/> FLOPs split over the kernel threads (one task per thread).</summary>
    public static void Run(long flops)
    {
        long iterations = Math.Max(1, flops / FlopsPerIteration / KernelThreads.Concurrency);
        KernelThreads.Run(&Task, &iterations, KernelThreads.Concurrency);
    }

    private static void Task(void* context, int t, int slot) => Sink = Loop(*(long*)context);

    /// <summary>Keeps the result observable so the loop is not removed.</summary>
    public static float Sink;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop(long iterations)
    {
        var a = Vector512.Create(0.999999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b); c2 = Vector512.FusedMultiplyAdd(c2, a, b);
            c3 = Vector512.FusedMultiplyAdd(c3, a, b); c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b); c8 = Vector512.FusedMultiplyAdd(c8, a, b);
            c9 = Vector512.FusedMultiplyAdd(c9, a, b); c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
