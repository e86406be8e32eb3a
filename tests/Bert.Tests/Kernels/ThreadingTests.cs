using Bert.KernelCheck;
using Bert.Kernels;

namespace Bert.Tests.Kernels;

/// <summary>
/// Results must not depend on how the work was split: callers racing for the worker pool (the losers wait for it and
/// their jobs interleave with the winner's) must get bit-identical outputs to an uncontended call.
/// </summary>
public class ThreadingTests
{
    [Fact]
    public void ConcurrentCallersGetBitIdenticalResults()
    {
        const int m = 70, k = 200, n = 300, batch = 2, seq = 33, heads = 3, d = 16;
        var x = KernelSweeps.Random(m * k, 1);
        var weight = LinearWeight.Create(KernelSweeps.Random(n * k, 2), KernelSweeps.Random(n, 3), n, k);
        var small = new float[8 * n];
        var expectedLarge = new float[m * n];
        var expectedSmall = new float[8 * n];
        Gemm.Linear(x, weight, m, expectedLarge);
        Gemm.Linear(x, weight, 8, expectedSmall);

        int tokens = batch * seq, hidden = heads * d;
        var q = KernelSweeps.Random(tokens * hidden, 4);
        var kk = KernelSweeps.Random(tokens * hidden, 5);
        var v = KernelSweeps.Random(tokens * hidden, 6);
        var mask = new float[tokens];
        var expectedContext = new float[tokens * hidden];
        Attention.Forward(q, kk, v, mask, batch, seq, heads, d, new float[Attention.ScratchLength(batch, seq, heads, d)], expectedContext);

        var mismatches = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            var y = new float[m * n];
            var ys = new float[8 * n];
            var context = new float[tokens * hidden];
            var scratch = new float[Attention.ScratchLength(batch, seq, heads, d)];
            for (int r = 0; r < 15; r++)
            {
                Gemm.Linear(x, weight, m, y);
                Gemm.Linear(x, weight, 8, ys);
                Attention.Forward(q, kk, v, mask, batch, seq, heads, d, scratch, context);
                if (!y.AsSpan().SequenceEqual(expectedLarge) || !ys.AsSpan().SequenceEqual(expectedSmall) || !context.AsSpan().SequenceEqual(expectedContext))
                    Interlocked.Increment(ref mismatches);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(0, mismatches);
    }
}
