using System.Numerics;
using System.Runtime.CompilerServices;

namespace Bert.Kernels;

/// <summary>
/// Vectorized float exp, erf/erfc and tanh on <see cref="Vector{T}"/> (AVX2/SSE/NEON/software: one code path for every
/// ISA). Polynomials are Chebyshev fits (mpmath.chebyfit, degree and max fit error beside each) evaluated with FMA.
/// </summary>
internal static class VectorMath
{
    private const float Log2E = 1.44269504f;
    private const float Ln2Hi = 0.693145752f;   // ln 2 split so that n·Ln2Hi is exact for |n| ≤ 255
    private const float Ln2Lo = 1.42860677e-6f;
    private const float RoundMagic = 12582912f; // 1.5·2²³: adding it rounds a float to an integer held in the low bits

    /// <summary>exp(x), ~1 ulp; 0 below −87.3 (instead of subnormals), +∞ above 88.72 (overflow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        var tooSmall = Vector.LessThan(x, new Vector<float>(-87.3f));
        var tooLarge = Vector.GreaterThan(x, new Vector<float>(88.72f));
        x = Vector.Min(Vector.Max(x, new Vector<float>(-87.3f)), new Vector<float>(88.72f));
        // x = n·ln2 + r with |r| ≤ ln2/2; exp(x) = 2ⁿ · exp(r)
        var k = Vector.FusedMultiplyAdd(x, new Vector<float>(Log2E), new Vector<float>(RoundMagic));
        var n = k - new Vector<float>(RoundMagic);
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2Hi), x);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2Lo), r);
        // exp(r), r ∈ [−ln2/2, ln2/2]: degree 6, fit error 2.0e-9 relative
        var p = new Vector<float>(0.0013941108433972674f);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.008375126398153335f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.04166635289677516f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.16666415514653277f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.5000000047117757f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1.000000037716214f));
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        // 2ⁿ from the integer in the low bits of k, as 2^⌊n/2⌋ · 2^(n−⌊n/2⌋) because n reaches 128 at x = 88.72
        // (2¹²⁸ is not a float, e^88.72 is); exponent field = m + 127.
        var n1 = Vector.AsVectorInt32(k) - Vector.AsVectorInt32(new Vector<float>(RoundMagic));
        var half = Vector.ShiftRightArithmetic(n1, 1);
        var scale1 = Vector.AsVectorSingle(Vector.ShiftLeft(half + new Vector<int>(127), 23));
        var scale2 = Vector.AsVectorSingle(Vector.ShiftLeft(n1 - half + new Vector<int>(127), 23));
        var e = Vector.ConditionalSelect(tooSmall, Vector<float>.Zero, p * scale1 * scale2);
        return Vector.ConditionalSelect(tooLarge, new Vector<float>(float.PositiveInfinity), e);
    }

    /// <summary>erf(a) and erfc(a) for a ≥ 0, each to ~1e-7 absolute, erfc also to ~1e-6 relative (no cancellation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector<float> Erf, Vector<float> Erfc) ErfErfcOfNonNegative(Vector<float> a)
    {
        var t = a * a;
        // a < 1: erf(a) = a · P(a²), degree 6 in a², fit error 1.2e-9; evaluated as a·c₀ + a·(a²·P₁(a²)) with one FMA
        // so the leading term is not rounded twice (P ≈ 1.13 has a 1.2e-7 ulp, the whole error budget).
        var p = new Vector<float>(7.875875062685488e-05f);
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-0.000801686428716587f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.005189087423433974f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-0.026854212010626412f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.11283594715160218f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-0.37612626666720334f));
        var erfSmall = Vector.FusedMultiplyAdd(a, new Vector<float>(1.1283791658483509f), a * (p * t));
        // 1 ≤ a ≤ 4: erfc(a) = exp(−a²) · Q(1/a), degree 8 in 1/a ∈ [1/4, 1], fit error 2.3e-8; beyond 4 erf(a) = 1 in float
        var ac = Vector.Min(Vector.Max(a, Vector<float>.One), new Vector<float>(4f));
        var u = Vector<float>.One / ac;
        var q = new Vector<float>(-0.0059340224944551484f);
        q = Vector.FusedMultiplyAdd(q, u, new Vector<float>(0.010945133449111613f));
        q = Vector.FusedMultiplyAdd(q, u, new Vector<float>(0.06135414961306156f));
        q = Vector.FusedMultiplyAdd(q, u, new Vector<float>(-0.2865356076049416f));
        q = Vector.FusedMultiplyAdd(q, u, new Vector<float>(0.5290705746342271f));
        q = Vector.FusedMultiplyAdd(q, u, new Vector<float>(-0.48593950757210147f));
        q = Vector.FusedMultiplyAdd(q, u, new Vector<float>(0.045837909138975154f));
        q = Vector.FusedMultiplyAdd(q, u, new Vector<float>(0.5584799204663452f));
        q = Vector.FusedMultiplyAdd(q, u, new Vector<float>(0.0003050177485519837f));
        var erfcLarge = Exp(-(ac * ac)) * q;
        erfcLarge = Vector.ConditionalSelect(Vector.GreaterThan(a, new Vector<float>(4f)), Vector<float>.Zero, erfcLarge);
        var small = Vector.LessThan(a, Vector<float>.One);
        return (Vector.ConditionalSelect(small, erfSmall, Vector<float>.One - erfcLarge),
                Vector.ConditionalSelect(small, Vector<float>.One - erfSmall, erfcLarge));
    }

    /// <summary>tanh(x), ~2 ulp: an odd polynomial below 0.6, 1 − 2/(exp(2|x|) + 1) above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> x)
    {
        var a = Vector.Abs(x);
        var t = a * a;
        // a < 0.6: tanh(a) = a · T(a²), degree 5 in a² ∈ [0, 0.36], fit error 2.5e-9
        var p = new Vector<float>(-0.005849643909793125f);
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.02075134910595479f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-0.05376798350832733f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.13331679634558233f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-0.3333328283432542f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.9999999974801559f));
        var small = a * p;
        var large = Vector<float>.One - new Vector<float>(2f) / (Exp(a + a) + Vector<float>.One);
        var r = Vector.ConditionalSelect(Vector.LessThan(a, new Vector<float>(0.6f)), small, large);
        return CopySign(r, x);
    }

    /// <summary>|magnitude| with the sign bit of sign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> CopySign(Vector<float> magnitude, Vector<float> sign)
    {
        var signBit = new Vector<uint>(0x8000_0000u);
        return Vector.AsVectorSingle((Vector.AsVectorUInt32(magnitude) & ~signBit) | (Vector.AsVectorUInt32(sign) & signBit));
    }
}
