namespace Bert.Kernels.Reference;

/// <summary>Scalar twin of <see cref="Pooling"/> (double accumulation): specification and test oracle.</summary>
internal static class NaivePooling
{
    /// <summary>y[c] = Σ_r mask[r]·x[r,c] / max(Σ_r mask[r], 1); an empty mask counts every row.</summary>
    public static void MaskedMean(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
    {
        int count = 0;
        for (int r = 0; r < rows; r++) if (mask.IsEmpty || mask[r] != 0) count++;
        for (int c = 0; c < cols; c++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) if (mask.IsEmpty || mask[r] != 0) sum += x[r * cols + c];
            y[c] = (float)(sum / Math.Max(count, 1));
        }
    }
}
