using Bert.Kernels;
using Bert.Kernels.Reference;

namespace Bert.KernelCheck;

/// <summary>
/// The reduced-precision kernels against their scalar twins (<see cref="NaiveQuantized"/>): bfloat16 conversion and
/// every int8 step bit-exact; the bfloat16 GEMM (F32 arithmetic on widened weights) within the F32 GEMM bound.
/// </summary>
public static class QuantizedSweeps
{
    private const double U = 1.0 / (1 << 24);

    /// <summary>The sweeps by name.</summary>
    public static readonly (string Name, Action<List<string>> Run)[] All =
    [
        ("bf16-convert", BFloat16Conversion), ("gemm-bf16", GemmBFloat16), ("int8-quantize", Int8Quantize), ("gemm-int8", GemmInt8),
    ];

    // Shapes: m around the 8-row tiles and the streaming/packed switch (64), k odd/even and across KC blocks,
    // n across the 16/32/48-wide panels and the 48-wide int8 panels.
    private static readonly int[] Ms = [1, 3, 8, 9, 17, 64, 65, 130];
    private static readonly int[] Ks = [1, 2, 3, 17, 64, 129, 257];
    private static readonly int[] Ns = [1, 7, 16, 47, 48, 49, 97, 130];

    /// <summary>FromSingle vs the twin on every tail length and on the special values; ToSingle exact.</summary>
    public static void BFloat16Conversion(List<string> failures)
    {
        float[] specials = [0f, -0f, float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue,
            float.Epsilon, -float.Epsilon, 1e-40f, 1f, 1.00390625f /* exact tie, even below */, 1.01171875f /* tie, odd below */,
            BitConverter.UInt32BitsToSingle(0x3F808000), BitConverter.UInt32BitsToSingle(0x3F818000), BitConverter.UInt32BitsToSingle(0x3F808001),
            BitConverter.UInt32BitsToSingle(0x7F7F8000) /* rounds to ∞ */, BitConverter.UInt32BitsToSingle(0x7F800001) /* signalling NaN */];
        foreach (int n in KernelSweeps.Lengths)
        {
            var x = KernelSweeps.Random(n, n, 100f);
            for (int i = 0; i < n && i < specials.Length; i++) x[(i * 5) % n] = specials[i];
            var fast = new ushort[n];
            BFloat16.FromSingle(x, fast);
            var back = new float[n];
            BFloat16.ToSingle(fast, back);
            for (int i = 0; i < n; i++)
            {
                ushort expected = NaiveQuantized.ToBFloat16(x[i]);
                if (fast[i] != expected || BitConverter.SingleToUInt32Bits(back[i]) != (uint)fast[i] << 16)
                { failures.Add($"bf16 n={n} x=0x{BitConverter.SingleToUInt32Bits(x[i]):X8}: 0x{fast[i]:X4} vs 0x{expected:X4}, widened 0x{BitConverter.SingleToUInt32Bits(back[i]):X8}"); return; }
            }
        }
    }

    /// <summary>Gemm.Linear with a bfloat16 weight vs the double twin on the widened weight (the F32 GEMM's bound).</summary>
    public static void GemmBFloat16(List<string> failures)
    {
        int seed = 0;
        foreach (int m in Ms)
            foreach (int k in Ks)
                foreach (int n in Ns)
                    CheckBFloat16(failures, m, k, n, (seed & 1) == 0, seed++);
        CheckBFloat16(failures, 128, 768, 96, true, seed++);  // BERT depth across KC blocks, packed path
        CheckBFloat16(failures, 8, 768, 768, true, seed++);   // the memory-bound streaming shape
    }

    private static void CheckBFloat16(List<string> failures, int m, int k, int n, bool bias, int seed)
    {
        var x = KernelSweeps.Random(m * k, seed);
        var w32 = KernelSweeps.Random(n * k, seed + 1000);
        var b = bias ? KernelSweeps.Random(n, seed + 2000) : [];
        var weight = LinearWeight.Create(w32, b, n, k).ToBFloat16();
        var w = weight.ToFloat32Array(); // the exactly widened weights: what the kernel multiplies by
        var y = new float[m * n];
        var expected = new float[m * n];
        Kernels.Gemm.Linear(x, weight, m, y);
        NaiveKernels.Linear(x, w, b, m, k, n, expected);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                // F32 dot products of length k on the widened weights: |error| ≤ γ_{k+1} Σ|x||w| + u|b| (Higham 3.1).
                double magnitude = Math.Abs(bias ? b[j] : 0);
                for (int p = 0; p < k; p++) magnitude += Math.Abs((double)x[i * k + p] * w[j * k + p]);
                double tol = (k + 2) * U * magnitude + 1e-30;
                if (!(Math.Abs(y[i * n + j] - expected[i * n + j]) <= tol))
                { failures.Add($"LinearBF16 m={m} k={k} n={n} [{i},{j}]: {y[i * n + j]} vs {expected[i * n + j]} (tol {tol:g3})"); return; }
            }
    }

    /// <summary>Weight and activation quantization vs the twins, exactly (including zero rows and ties).</summary>
    public static unsafe void Int8Quantize(List<string> failures)
    {
        foreach (int k in new[] { 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 257, 768 })
        {
            int rows = 5;
            var x = KernelSweeps.Random(rows * k, k, 3f);
            Array.Clear(x, 2 * k, k); // an all-zero row: scale 0, q = 0
            // Row 0: amax = L makes the activation multiplier exactly 1, so ±0.5, −1.5, 2.5 are ties (to even: 0, −2, 2).
            if (k > 3) { x[0] = Int8Quantization.ActivationLevels(k); x[1] = 0.5f; x[2] = -1.5f; x[3] = 2.5f; }
            var (wq, ws) = NaiveQuantized.QuantizeWeights(x, rows, k);
            var packed = new sbyte[Int8Quantization.PackedLength(rows, k)];
            var scales = new float[rows];
            Int8Quantization.QuantizeWeights(x, rows, k, packed, scales);
            var unpacked = new sbyte[rows * k];
            Int8Quantization.Unpack(packed, rows, k, unpacked);
            if (!unpacked.AsSpan().SequenceEqual(wq) || !scales.AsSpan().SequenceEqual(ws)) failures.Add($"QuantizeWeights k={k} differs from the twin");

            var (xq, xs) = NaiveQuantized.QuantizeRows(x, rows, k);
            int kp = 2 * Int8Quantization.KPairs(k);
            var fastQ = new short[rows * kp];
            var fastS = new float[rows];
            fixed (float* px = x) fixed (short* pq = fastQ) fixed (float* ps = fastS) Int8Quantization.QuantizeRows(px, rows, k, pq, ps);
            for (int i = 0; i < rows; i++)
            {
                if (BitConverter.SingleToInt32Bits(fastS[i]) != BitConverter.SingleToInt32Bits(xs[i])) { failures.Add($"QuantizeRows k={k} row {i}: scale {fastS[i]} vs {xs[i]}"); return; }
                for (int p = 0; p < kp; p++)
                {
                    int expected = p < k ? xq[i * k + p] : 0;
                    if (fastQ[i * kp + p] != expected) { failures.Add($"QuantizeRows k={k} [{i},{p}]: {fastQ[i * kp + p]} vs {expected}"); return; }
                }
            }
        }
    }

    /// <summary>Gemm.Linear with an int8 weight vs the twin, bit for bit, with and without bias and fused activations.</summary>
    public static void GemmInt8(List<string> failures)
    {
        int seed = 0;
        foreach (int m in Ms)
            foreach (int k in Ks)
                foreach (int n in Ns)
                    CheckInt8(failures, m, k, n, (seed & 1) == 0, GemmActivation.None, seed++);
        CheckInt8(failures, 128, 768, 96, true, GemmActivation.None, seed++);
        CheckInt8(failures, 8, 3072, 200, true, GemmActivation.None, seed++);
        foreach (var act in new[] { GemmActivation.Gelu, GemmActivation.GeluTanh, GemmActivation.Relu, GemmActivation.Tanh })
            CheckInt8(failures, 19, 70, 101, true, act, seed++);
    }

    private static void CheckInt8(List<string> failures, int m, int k, int n, bool bias, GemmActivation act, int seed)
    {
        var x = KernelSweeps.Random(m * k, seed, 2f);
        var w = KernelSweeps.Random(n * k, seed + 1000, 0.2f);
        var b = bias ? KernelSweeps.Random(n, seed + 2000) : [];
        var y = new float[m * n];
        var expected = new float[m * n];
        Kernels.Gemm.Linear(x, LinearWeight.Create(w, b, n, k).ToInt8(), m, y, act);
        NaiveQuantized.LinearInt8(x, w, b, m, k, n, expected);
        // The fused activation is the same kernel applied to the same floats, so it stays bit-exact.
        switch (act)
        {
            case GemmActivation.Gelu: Activations.Gelu(expected, expected); break;
            case GemmActivation.GeluTanh: Activations.GeluTanh(expected, expected); break;
            case GemmActivation.Relu: Activations.Relu(expected, expected); break;
            case GemmActivation.Tanh: Activations.Tanh(expected, expected); break;
        }
        for (int i = 0; i < y.Length; i++)
            if (BitConverter.SingleToInt32Bits(y[i]) != BitConverter.SingleToInt32Bits(expected[i]))
            { failures.Add($"LinearInt8 m={m} k={k} n={n} {act} [{i / n},{i % n}]: {y[i]:R} vs {expected[i]:R}"); return; }
    }
}
