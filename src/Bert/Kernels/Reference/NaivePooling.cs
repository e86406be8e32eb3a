namespace Bert.Kernels.Reference;

/// <summary>Scalar twins of <see cref="Pooling"/> (double accumulation): specification and test oracle.</summary>
internal static class NaivePooling
{
    /// <summary>y[c] = Σ_r mask[r]·x[r,c] / max(Σ_r mask[r], 1); an empty mask counts every row.</summary>
    public static void MaskedMean(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
        => WeightedSum(x, mask, rows, cols, y, _ => 1, total => total);

    /// <summary>y[c] = Σ_r mask[r]·x[r,c] / √max(Σ_r mask[r], 1).</summary>
    public static void MaskedMeanSqrtLength(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
        => WeightedSum(x, mask, rows, cols, y, _ => 1, Math.Sqrt);

    /// <summary>y[c] = Σ_r (r+1)·mask[r]·x[r,c] / max(Σ_r (r+1)·mask[r], 1).</summary>
    public static void PositionWeightedMean(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
        => WeightedSum(x, mask, rows, cols, y, r => r + 1, total => total);

    /// <summary>y[c] = max_r x'[r,c] where x' is x with masked rows set to −1e9 (−1e9 when there is no row).</summary>
    public static void MaskedMax(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
    {
        for (int c = 0; c < cols; c++)
        {
            float best = rows == 0 ? -1e9f : float.NegativeInfinity;
            for (int r = 0; r < rows; r++) best = Math.Max(best, mask.IsEmpty || mask[r] != 0 ? x[r * cols + c] : -1e9f);
            y[c] = best;
        }
    }

    /// <summary>x ← x / max(‖x‖₂, 1e-12).</summary>
    public static void L2Normalize(Span<float> x)
    {
        double sum = 0;
        foreach (float v in x) sum += (double)v * v;
        double scale = 1 / Math.Max(Math.Sqrt(sum), 1e-12);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(x[i] * scale);
    }

    private static void WeightedSum(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y,
        Func<int, double> weight, Func<double, double> divisor)
    {
        double total = 0;
        for (int r = 0; r < rows; r++) if (mask.IsEmpty || mask[r] != 0) total += weight(r);
        double d = divisor(Math.Max(total, 1));
        for (int c = 0; c < cols; c++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) if (mask.IsEmpty || mask[r] != 0) sum += weight(r) * x[r * cols + c];
            y[c] = (float)(sum / d);
        }
    }
}
