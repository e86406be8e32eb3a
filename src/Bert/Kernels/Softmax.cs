using System.Numerics;
using System.Runtime.InteropServices;

namespace Bert.Kernels;

/// <summary>Row softmax with an additive mask.</summary>
internal static class Softmax
{
    // x, y: [rows, cols]; mask: [cols] additive, or empty
    /// <summary>y[r,:] = softmax(x[r,:] + mask). y may alias x. Never NaN for finite x, even if the mask drops every column.</summary>
    /// <exception cref="ArgumentException">A span is shorter than its dimensions.</exception>
    public static void Masked(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, int rows, int cols, Span<float> y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        long size = (long)rows * cols;
        if (x.Length < size || y.Length < size) throw new ArgumentException($"x has {x.Length} and y {y.Length} elements, expected at least {rows}×{cols}.");
        if (!mask.IsEmpty && mask.Length < cols) throw new ArgumentException($"mask has {mask.Length} elements, expected {cols}.", nameof(mask));
        for (int r = 0; r < rows; r++) Row(x.Slice(r * cols, cols), mask, 1f, y.Slice(r * cols, cols));
    }

    // x, y: [cols]; mask: [cols] or empty
    /// <summary>y = softmax(x·scale + mask) for one row (lengths checked by the caller).</summary>
    internal static void Row(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, float scale, Span<float> y)
    {
        int n = x.Length, w = Vector<float>.Count;
        bool masked = !mask.IsEmpty;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float mr = ref MemoryMarshal.GetReference(mask);
        ref float yr = ref MemoryMarshal.GetReference(y);
        var vScale = new Vector<float>(scale);
        // Why clamp at float.MinValue: x·scale + mask may round to −∞; then max − max would be NaN.
        var lowest = new Vector<float>(float.MinValue);
        var vMax = lowest;
        int i = 0;
        for (; i <= n - w; i += w)
        {
            var s = Vector.LoadUnsafe(ref xr, (nuint)i) * vScale;
            if (masked) s += Vector.LoadUnsafe(ref mr, (nuint)i);
            s = Vector.Max(s, lowest);
            s.StoreUnsafe(ref yr, (nuint)i);
            vMax = Vector.Max(vMax, s);
        }
        float max = float.MinValue;
        for (int l = 0; l < w; l++) max = Math.Max(max, vMax[l]);
        for (; i < n; i++)
        {
            float s = Math.Max(x[i] * scale + (masked ? mask[i] : 0f), float.MinValue);
            y[i] = s;
            max = Math.Max(max, s);
        }

        // Every s − max ≤ 0 and the maximum's own term is exp(0) = 1, so sum ≥ 1: no division by zero.
        var bMax = new Vector<float>(max);
        var vSum = Vector<float>.Zero;
        for (i = 0; i <= n - w; i += w)
        {
            var e = VectorMath.Exp(Vector.LoadUnsafe(ref yr, (nuint)i) - bMax);
            e.StoreUnsafe(ref yr, (nuint)i);
            vSum += e;
        }
        float sum = Vector.Sum(vSum);
        for (; i < n; i++) sum += y[i] = MathF.Exp(y[i] - max);

        var inv = new Vector<float>(1f / sum);
        for (i = 0; i <= n - w; i += w) (Vector.LoadUnsafe(ref yr, (nuint)i) * inv).StoreUnsafe(ref yr, (nuint)i);
        float invS = 1f / sum;
        for (; i < n; i++) y[i] *= invS;
    }
}
