using System.Numerics.Tensors;

namespace Bert.Kernels;

/// <summary>
/// Reductions of the token rows of one sequence into one sentence vector (sentence-transformers' Pooling modes).
/// Every function: x [rows, cols] row-major; mask [rows] of 0/1 or empty for all ones; y [cols] (longer is sliced).
/// </summary>
internal static class Pooling
{
    /// <summary>The value sentence-transformers writes into masked rows before max pooling.</summary>
    public const float MaskedMaxValue = -1e9f;

    /// <summary>y = Σ_r mask[r]·x[r,:] / max(Σ_r mask[r], 1): the masked mean of sentence-transformers' mean pooling.</summary>
    public static void MaskedMean(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
    {
        int count = MaskedSum(x, mask, rows, cols, y);
        TensorPrimitives.Multiply(y[..cols], 1f / Math.Max(count, 1), y[..cols]);
    }

    /// <summary>y = Σ_r mask[r]·x[r,:] / √max(Σ_r mask[r], 1) (pooling_mode_mean_sqrt_len_tokens).</summary>
    public static void MaskedMeanSqrtLength(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
    {
        int count = MaskedSum(x, mask, rows, cols, y);
        TensorPrimitives.Multiply(y[..cols], (float)(1 / Math.Sqrt(Math.Max(count, 1))), y[..cols]);
    }

    /// <summary>
    /// y = Σ_r (r+1)·mask[r]·x[r,:] / max(Σ_r (r+1)·mask[r], 1) (pooling_mode_weightedmean_tokens: weight = 1-based position).
    /// </summary>
    public static void PositionWeightedMean(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
    {
        Check(x, mask, rows, cols, y);
        y = y[..cols];
        y.Clear();
        double weights = 0;
        for (int r = 0; r < rows; r++)
        {
            if (!mask.IsEmpty && mask[r] == 0) continue;
            // Why TensorPrimitives: y += (r+1)·x[r,:] as one vectorized fused call per row.
            TensorPrimitives.MultiplyAdd(x.Slice(r * cols, cols), r + 1f, y, y);
            weights += r + 1;
        }
        TensorPrimitives.Multiply(y, (float)(1 / Math.Max(weights, 1)), y);
    }

    /// <summary>
    /// y_c = max over rows r with mask[r] = 1 of x[r,c]; when some row is masked (or there is none) the maximum also
    /// includes −1e9, as sentence-transformers overwrites masked rows with −1e9 before taking the maximum.
    /// </summary>
    public static void MaskedMax(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
    {
        Check(x, mask, rows, cols, y);
        y = y[..cols];
        y.Fill(float.NegativeInfinity);
        bool anyMasked = rows == 0;
        for (int r = 0; r < rows; r++)
        {
            if (!mask.IsEmpty && mask[r] == 0) { anyMasked = true; continue; }
            TensorPrimitives.Max(y, x.Slice(r * cols, cols), y);
        }
        if (anyMasked) TensorPrimitives.Max(y, MaskedMaxValue, y);
    }

    /// <summary>Index of the last row with mask 1 (the last row for an empty mask), or −1 when every row is masked.</summary>
    public static int LastUnmaskedRow(ReadOnlySpan<int> mask, int rows)
    {
        if (mask.IsEmpty) return rows - 1;
        for (int r = rows - 1; r >= 0; r--) if (mask[r] != 0) return r;
        return -1;
    }

    /// <summary>x ← x / max(‖x‖₂, 1e-12) (torch.nn.functional.normalize, p = 2, as the Normalize module).</summary>
    public static void L2Normalize(Span<float> x)
    {
        float norm = TensorPrimitives.Norm<float>(x);
        TensorPrimitives.Multiply(x, 1f / MathF.Max(norm, 1e-12f), x);
    }

    /// <summary>y = Σ_r mask[r]·x[r,:]; returns Σ_r mask[r].</summary>
    private static int MaskedSum(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
    {
        Check(x, mask, rows, cols, y);
        y = y[..cols];
        y.Clear();
        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            if (!mask.IsEmpty && mask[r] == 0) continue;
            // Why TensorPrimitives: a whole row is added as one vectorized call.
            TensorPrimitives.Add(y, x.Slice(r * cols, cols), y);
            count++;
        }
        return count;
    }

    private static void Check(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
    {
        if (rows < 0 || cols < 0 || x.Length < (long)rows * cols || y.Length < cols || (!mask.IsEmpty && mask.Length < rows))
            throw new ArgumentException($"Pooling of [{rows}, {cols}] got x {x.Length}, mask {mask.Length}, y {y.Length}.");
    }
}
