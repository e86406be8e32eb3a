using Bert.Kernels;
using Bert.Kernels.Reference;

namespace Bert.KernelCheck;

/// <summary>The pooling kernels (sentence-transformers' modes) and L2 normalization against their naive twins.</summary>
public static class PoolingSweep
{
    private delegate void PoolingKernel(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y);

    /// <summary>Rows 0..128 (incl. empty), widths across every vector tail, masks none / prefix (prompt) / random.</summary>
    public static void Run(List<string> failures)
    {
        var kernels = new (string Name, PoolingKernel Fast, PoolingKernel Naive)[]
        {
            ("mean", Pooling.MaskedMean, NaivePooling.MaskedMean),
            ("mean-sqrt-len", Pooling.MaskedMeanSqrtLength, NaivePooling.MaskedMeanSqrtLength),
            ("weighted-mean", Pooling.PositionWeightedMean, NaivePooling.PositionWeightedMean),
            ("max", Pooling.MaskedMax, NaivePooling.MaskedMax),
        };
        var rng = new Random(11);
        foreach (int rows in new[] { 0, 1, 2, 3, 7, 16, 33, 128 })
            foreach (int cols in new[] { 1, 3, 7, 8, 15, 16, 17, 31, 64, 65, 257, 384 })
                foreach (var maskKind in new[] { "none", "prefix", "random" })
                {
                    var x = KernelSweeps.Random(rows * cols, rng.Next(), 2f);
                    int[] mask = maskKind switch
                    {
                        "none" => [],
                        "prefix" => [.. Enumerable.Range(0, rows).Select(r => r < rows / 3 ? 0 : 1)],
                        _ => [.. Enumerable.Range(0, rows).Select(_ => rng.Next(2))],
                    };
                    foreach (var (name, fast, naive) in kernels)
                    {
                        var y = new float[cols + 1]; // one spare float: the kernel must not write past cols
                        y[cols] = 42;
                        var expected = new float[cols];
                        fast(x, mask, rows, cols, y);
                        naive(x, mask, rows, cols, expected);
                        if (y[cols] != 42) failures.Add($"pooling {name} rows {rows} cols {cols}: wrote past cols");
                        // Float sums of ≤ 128 terms |x| ≤ 2 (weights ≤ 128, normalized) vs double: 1e-5 relative to max(1, |y|).
                        for (int c = 0; c < cols; c++)
                            if (!(Math.Abs(expected[c] - y[c]) <= 1e-5 * Math.Max(1, Math.Abs(expected[c]))))
                                failures.Add($"pooling {name} rows {rows} cols {cols} mask {maskKind} [{c}]: {y[c]} vs {expected[c]}");
                    }
                }
        for (int n = 0; n <= 257; n++)
        {
            var v = KernelSweeps.Random(n, 500 + n, 5f);
            var expected = v.ToArray();
            Pooling.L2Normalize(v);
            NaivePooling.L2Normalize(expected);
            for (int i = 0; i < n; i++)
                if (!(Math.Abs(expected[i] - v[i]) <= 1e-6)) failures.Add($"l2-normalize n {n} [{i}]: {v[i]} vs {expected[i]}"); // unit vector: float rounding
        }
    }
}
