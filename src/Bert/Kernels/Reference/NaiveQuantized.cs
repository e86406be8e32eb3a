namespace Bert.Kernels.Reference;

/// <summary>
/// Plain scalar twins of the reduced-precision kernels (<see cref="BFloat16"/>, <see cref="Int8Quantization"/>,
/// <see cref="GemmInt8"/>): the specification the fast paths must match bit for bit. Row-major, unpacked layouts.
/// </summary>
internal static class NaiveQuantized
{
    /// <summary>
    /// float → bfloat16, round to nearest, ties to even, written as a comparison of the dropped 16 bits with one half
    /// (independent of the fast kernel's add-and-shift); NaN → 0x7FC0 (torch).
    /// </summary>
    public static ushort ToBFloat16(float x)
    {
        if (float.IsNaN(x)) return 0x7FC0;
        uint bits = BitConverter.SingleToUInt32Bits(x);
        uint truncated = bits >> 16, dropped = bits & 0xFFFF;
        bool up = dropped > 0x8000 || (dropped == 0x8000 && (truncated & 1) == 1);
        return (ushort)(up ? truncated + 1 : truncated); // the carry into the exponent is the correct rounding (up to ∞)
    }

    /// <summary>Per-output-channel symmetric int8: scale[j] = max|w[j, :]| / 127, q = clamp(round(w / scale), ±127).</summary>
    public static (sbyte[] Q, float[] Scales) QuantizeWeights(ReadOnlySpan<float> w, int n, int k)
    {
        var q = new sbyte[n * k];
        var scales = new float[n];
        for (int j = 0; j < n; j++)
        {
            float amax = 0;
            for (int p = 0; p < k; p++) amax = Math.Max(amax, Math.Abs(w[j * k + p]));
            float scale = amax / 127f;
            scales[j] = scale;
            if (scale == 0) continue;
            for (int p = 0; p < k; p++) q[j * k + p] = (sbyte)Math.Clamp((int)MathF.Round(w[j * k + p] / scale, MidpointRounding.ToEven), -127, 127);
        }
        return (q, scales);
    }

    /// <summary>
    /// Per-row symmetric quantization of activations to ±L, L = min(32767, ⌊(2³¹−1) / (2⌈k/2⌉·127)⌋) (the largest that
    /// keeps int32 sums exact): s[i] = max|x[i, :]| / L, q = clamp(round(x · (L / max)), ±L).
    /// </summary>
    public static (short[] Q, float[] Scales) QuantizeRows(ReadOnlySpan<float> x, int m, int k)
    {
        long pairs = (k + 1) / 2;
        int levels = (int)Math.Min(32767, int.MaxValue / (2 * pairs * 127));
        var q = new short[m * k];
        var scales = new float[m];
        for (int i = 0; i < m; i++)
        {
            float amax = 0;
            for (int p = 0; p < k; p++) amax = Math.Max(amax, Math.Abs(x[i * k + p]));
            scales[i] = amax / levels;
            float inv = amax > 0 ? levels / amax : 0f;
            for (int p = 0; p < k; p++) q[i * k + p] = (short)Math.Clamp((int)MathF.Round(x[i * k + p] * inv, MidpointRounding.ToEven), -levels, levels);
        }
        return (q, scales);
    }

    /// <summary>
    /// y[i, j] = float(Σ_p xq[i, p]·wq[j, p]) · (xs[i] · ws[j]) + bias[j] with an exact int32 sum (bias may be empty).
    /// </summary>
    public static void LinearInt8(short[] xq, float[] xs, sbyte[] wq, float[] ws, ReadOnlySpan<float> bias, int m, int k, int n, Span<float> y)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                long acc = 0; // exact; the levels bound guarantees it fits int32, checked below
                for (int p = 0; p < k; p++) acc += xq[i * k + p] * wq[j * k + p];
                if (acc != (int)acc) throw new InvalidOperationException($"int32 overflow at [{i},{j}]: the activation levels are too wide.");
                float v = (int)acc * (xs[i] * ws[j]);
                y[i * n + j] = bias.IsEmpty ? v : v + bias[j];
            }
    }

    /// <summary>The whole int8 linear on F32 inputs: quantize the rows of x, multiply by the quantized weight, dequantize.</summary>
    public static void LinearInt8(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int m, int k, int n, Span<float> y)
    {
        var (xq, xs) = QuantizeRows(x, m, k);
        var (wq, ws) = QuantizeWeights(w, n, k);
        LinearInt8(xq, xs, wq, ws, bias, m, k, n, y);
    }
}
