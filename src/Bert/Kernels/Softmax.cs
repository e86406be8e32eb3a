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
    /// <summary>y = softmax(x·scale + mask) for one row (lengths checked by the caller). y may alias x.</summary>
    internal static void Row(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, float scale, Span<float> y)
    {
        if (V512.IsAccelerated) Row<V512>(x, mask, scale, y);
        else if (V256.IsAccelerated) Row<V256>(x, mask, scale, y);
        else Row<V128>(x, mask, scale, y);
    }

    private static void Row<T>(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, float scale, Span<float> y) where T : struct, ISimd<T>
    {
        int n = x.Length, w = T.Count;
        bool masked = !mask.IsEmpty;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float mr = ref MemoryMarshal.GetReference(mask);
        ref float yr = ref MemoryMarshal.GetReference(y);
        var vScale = T.Splat(scale);
        // Why clamp at float.MinValue: x·scale + mask may round to −∞; then max − max would be NaN.
        var lowest = T.Splat(float.MinValue);
        var vMax = lowest;
        int i = 0;
        for (; i <= n - w; i += w)
        {
            var s = T.Load(ref xr, (nuint)i) * vScale;
            if (masked) s += T.Load(ref mr, (nuint)i);
            s = T.Max(s, lowest);
            T.Store(s, ref yr, (nuint)i);
            vMax = T.Max(vMax, s);
        }
        float max = T.MaxAcross(vMax);
        for (; i < n; i++)
        {
            float s = Math.Max(x[i] * scale + (masked ? mask[i] : 0f), float.MinValue);
            y[i] = s;
            max = Math.Max(max, s);
        }

        // Every s − max ≤ 0 and the maximum's own term is exp(0) = 1, so sum ≥ 1: no division by zero.
        var bMax = T.Splat(max);
        var vSum = T.Splat(0f);
        for (i = 0; i <= n - w; i += w)
        {
            var e = VectorMath.Exp(T.Load(ref yr, (nuint)i) - bMax);
            T.Store(e, ref yr, (nuint)i);
            vSum += e;
        }
        float sum = T.Sum(vSum);
        for (; i < n; i++) sum += y[i] = MathF.Exp(y[i] - max);

        var inv = T.Splat(1f / sum);
        for (i = 0; i <= n - w; i += w) T.Store(T.Load(ref yr, (nuint)i) * inv, ref yr, (nuint)i);
        float invS = 1f / sum;
        for (; i < n; i++) y[i] *= invS;
    }
}
