using System.Numerics.Tensors;

namespace Bert.Kernels;

/// <summary>Reductions of token rows into one sentence vector.</summary>
internal static class Pooling
{
    // x: [rows, cols]; mask: [rows] of 0/1 (empty: all ones); y: [cols]
    /// <summary>y = Σ_r mask[r]·x[r,:] / max(Σ_r mask[r], 1): the masked mean of sentence-transformers' mean pooling.</summary>
    public static void MaskedMean(ReadOnlySpan<float> x, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
    {
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
        TensorPrimitives.Multiply(y, 1f / Math.Max(count, 1), y);
    }
}
