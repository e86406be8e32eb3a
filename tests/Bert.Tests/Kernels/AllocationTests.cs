using Bert.KernelCheck;
using Bert.Kernels;

namespace Bert.Tests.Kernels;

/// <summary>The kernels are the hot path of a forward pass: after warm-up they must not allocate on the calling thread.</summary>
public class AllocationTests
{
    [Fact]
    public void KernelsDoNotAllocateAfterWarmUp()
    {
        const int m = 40, k = 96, n = 130, batch = 2, seq = 20, heads = 2, d = 24, hidden = heads * d;
        var x = KernelSweeps.Random(m * k, 1);
        var weight = LinearWeight.Create(KernelSweeps.Random(n * k, 2), KernelSweeps.Random(n, 3), n, k);
        var y = new float[m * n];
        var q = KernelSweeps.Random(batch * seq * hidden, 4);
        var mask = new float[batch * seq];
        var scratch = new float[Attention.ScratchLength(batch, seq, heads, d)];
        var context = new float[batch * seq * hidden];
        var gamma = KernelSweeps.Random(n, 5);
        var table = KernelSweeps.Random(10 * hidden, 6);
        int[] ids = [1, 2, 3];
        var rows = new float[3 * hidden];
        var big = KernelSweeps.Random(100_003, 7); // above the parallel split of the element-wise kernels

        void RunAll()
        {
            Gemm.Linear(x, weight, m, y, GemmActivation.Gelu);
            Gemm.Linear(x, weight, 5, y, GemmActivation.GeluTanh);
            Attention.Forward(q, q, q, mask, batch, seq, heads, d, scratch, context);
            Softmax.Masked(y, gamma, m, n, y);
            Normalization.AddLayerNorm(y, y, gamma, gamma, 1e-12f, m, n, y);
            Activations.Tanh(y, y);
            Activations.Gelu(big, big);
            Activations.GeluTanh(big, big);
            Embedding.Gather(table, hidden, ids, rows);
            Embedding.GatherAdd(table, hidden, ids, rows);
            Embedding.SumLayerNorm(table, table, table, hidden, ids, ids, ids, context, context, 1e-12f, rows);
            Attention.Forward(q, q, q, hidden / 3, default, [0, 3, 3, 10], 7, 1, hidden / 3, scratch, context);
            Normalization.LayerNorm(big, gamma, gamma, 1e-5f, 100_003 / n, n, big);
        }

        RunAll(); // warm-up: JIT, worker threads and the per-thread packing buffer are created once
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) RunAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
