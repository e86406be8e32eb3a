using System.Numerics;
using System.Runtime.InteropServices;

namespace Bert.Kernels;

/// <summary>LayerNorm over the last dimension; large inputs split by rows over <see cref="KernelThreads"/>.</summary>
internal static unsafe class Normalization
{
    // Why 16K elements per task: below that a task takes a few µs, about what handing it to another thread costs.
    private const int ParallelElements = 16 * 1024;

    // x, y: [rows, cols]; gamma, beta: [cols]
    /// <summary>y = (x − mean) / sqrt(var + eps) · gamma + beta per row (biased variance). y may alias x.</summary>
    /// <exception cref="ArgumentException">A span is shorter than its dimensions.</exception>
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, int rows, int cols, Span<float> y)
    {
        Check(x, gamma, beta, rows, cols, y);
        Run(x, default, gamma, beta, eps, rows, cols, y);
    }

    // x, residual, y: [rows, cols]; y may alias x or residual
    /// <summary>y = LayerNorm(x + residual) per row.</summary>
    /// <exception cref="ArgumentException">A span is shorter than its dimensions.</exception>
    public static void AddLayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> residual, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, int rows, int cols, Span<float> y)
    {
        Check(x, gamma, beta, rows, cols, y);
        if (residual.Length < (long)rows * cols) throw new ArgumentException($"residual has {residual.Length} elements, expected {rows}×{cols}.", nameof(residual));
        Run(x, residual, gamma, beta, eps, rows, cols, y);
    }

    private struct Job
    {
        public float* X, Residual, Gamma, Beta, Y;
        public float Eps;
        public int Rows, Cols, RowsPerTask;
    }

    // Lengths checked by the caller; residual empty for plain LayerNorm.
    private static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> residual, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, int rows, int cols, Span<float> y)
    {
        if (rows == 0 || cols == 0) return;
        fixed (float* px = x, pr = residual, pg = gamma, pb = beta, py = y)
        {
            var job = new Job
            {
                X = px, Residual = residual.IsEmpty ? null : pr, Gamma = pg, Beta = pb, Y = py, Eps = eps, Rows = rows, Cols = cols,
                RowsPerTask = Math.Max(1, ParallelElements / cols),
            };
            int tasks = (rows + job.RowsPerTask - 1) / job.RowsPerTask;
            if (tasks == 1) Task(&job, 0, 0);
            else KernelThreads.Run(&Task, &job, tasks);
        }
    }

    private static void Task(void* context, int t, int slot)
    {
        ref readonly Job job = ref *(Job*)context;
        int r0 = t * job.RowsPerTask, r1 = Math.Min(job.Rows, r0 + job.RowsPerTask), n = job.Cols;
        var gamma = new ReadOnlySpan<float>(job.Gamma, n);
        var beta = new ReadOnlySpan<float>(job.Beta, n);
        for (int r = r0; r < r1; r++)
        {
            var row = new Span<float>(job.Y + (nint)r * n, n);
            var x = new ReadOnlySpan<float>(job.X + (nint)r * n, n);
            if (job.Residual != null)
            {
                // Why through y: the sum is written element by element at the same index, so aliasing is harmless.
                System.Numerics.Tensors.TensorPrimitives.Add(x, new ReadOnlySpan<float>(job.Residual + (nint)r * n, n), row);
                x = row;
            }
            Row(x, gamma, beta, job.Eps, row);
        }
    }

    private static void Check(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, int rows, int cols, Span<float> y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        long size = (long)rows * cols;
        if (x.Length < size || y.Length < size) throw new ArgumentException($"x has {x.Length} and y {y.Length} elements, expected at least {rows}×{cols}.");
        if (gamma.Length < cols || beta.Length < cols) throw new ArgumentException($"gamma has {gamma.Length} and beta {beta.Length} elements, expected {cols}.");
    }

    // Two passes in float vectors (mean, then Σ(x − mean)², which cannot go negative like E[x²] − mean²), then one write.
    internal static void Row(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y)
    {
        int n = x.Length, w = Vector<float>.Count;
        if (n == 0) return;
        ref float xr = ref MemoryMarshal.GetReference(x);
        var acc0 = Vector<float>.Zero; var acc1 = acc0;
        int i = 0;
        for (; i <= n - 2 * w; i += 2 * w) { acc0 += Vector.LoadUnsafe(ref xr, (nuint)i); acc1 += Vector.LoadUnsafe(ref xr, (nuint)(i + w)); }
        float sum = Vector.Sum(acc0 + acc1);
        for (; i < n; i++) sum += x[i];
        float mean = sum / n;

        var vMean = new Vector<float>(mean);
        acc0 = acc1 = Vector<float>.Zero;
        for (i = 0; i <= n - 2 * w; i += 2 * w)
        {
            var d0 = Vector.LoadUnsafe(ref xr, (nuint)i) - vMean; var d1 = Vector.LoadUnsafe(ref xr, (nuint)(i + w)) - vMean;
            acc0 = Vector.FusedMultiplyAdd(d0, d0, acc0); acc1 = Vector.FusedMultiplyAdd(d1, d1, acc1);
        }
        float ss = Vector.Sum(acc0 + acc1);
        for (; i < n; i++) { float d = x[i] - mean; ss += d * d; }
        float inv = 1f / MathF.Sqrt(ss / n + eps);

        ref float gr = ref MemoryMarshal.GetReference(gamma);
        ref float br = ref MemoryMarshal.GetReference(beta);
        ref float yr = ref MemoryMarshal.GetReference(y);
        var vInv = new Vector<float>(inv);
        for (i = 0; i <= n - w; i += w)
        {
            var xn = (Vector.LoadUnsafe(ref xr, (nuint)i) - vMean) * vInv;
            Vector.FusedMultiplyAdd(xn, Vector.LoadUnsafe(ref gr, (nuint)i), Vector.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) y[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
    }
}
