using System.Runtime.CompilerServices;

namespace Bert.Kernels;

/// <summary>
/// Vectorized float exp, erf/erfc and tanh, written once over <see cref="ISimd{T}"/> and instantiated per width.
/// Polynomials are Chebyshev fits (mpmath.chebyfit, degree and max fit error beside each) evaluated with FMA.
/// </summary>
internal static class VectorMath
{
    private const float Log2E = 1.44269504f;
    private const float Ln2Hi = 0.693145752f;   // ln 2 split so that n·Ln2Hi is exact for |n| ≤ 255
    private const float Ln2Lo = 1.42860677e-6f;
    private const float RoundMagic = 12582912f; // 1.5·2²³: adding it rounds a float to an integer held in the low bits

    /// <summary>exp(x), ~1 ulp; 0 below −87.3 (instead of subnormals), +∞ above 88.72 (overflow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : struct, ISimd<T>
    {
        var tooSmall = T.LessThan(x, T.Splat(-87.3f));
        var tooLarge = T.GreaterThan(x, T.Splat(88.72f));
        x = T.Min(T.Max(x, T.Splat(-87.3f)), T.Splat(88.72f));
        // x = n·ln2 + r with |r| ≤ ln2/2; exp(x) = 2ⁿ · exp(r)
        var k = T.Fma(x, T.Splat(Log2E), T.Splat(RoundMagic));
        var n = k - T.Splat(RoundMagic);
        var r = T.Fma(n, T.Splat(-Ln2Hi), x);
        r = T.Fma(n, T.Splat(-Ln2Lo), r);
        // exp(r), r ∈ [−ln2/2, ln2/2]: degree 6, fit error 2.0e-9 relative
        var p = T.Splat(0.0013941108433972674f);
        p = T.Fma(p, r, T.Splat(0.008375126398153335f));
        p = T.Fma(p, r, T.Splat(0.04166635289677516f));
        p = T.Fma(p, r, T.Splat(0.16666415514653277f));
        p = T.Fma(p, r, T.Splat(0.5000000047117757f));
        p = T.Fma(p, r, T.Splat(1.000000037716214f));
        p = T.Fma(p, r, T.Splat(1f));
        // 2ⁿ in two factors because n reaches 128 at x = 88.72 (2¹²⁸ is not a float, e^88.72 is).
        var e = T.ScaleByPow2(p, k);
        // Why the selects: the clamp keeps 2ⁿ representable; the true ends are set here.
        return T.Select(tooLarge, T.Splat(float.PositiveInfinity), T.Select(tooSmall, T.Splat(0f), e));
    }

    /// <summary>erf(a) and erfc(a) for a ≥ 0: erf to ≤ 1.3e-7 absolute, erfc also to ~1e-6 relative (no cancellation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T Erf, T Erfc) ErfErfcOfNonNegative<T>(T a) where T : struct, ISimd<T>
    {
        var one = T.Splat(1f);
        var t = a * a;
        // a < 1: erf(a) = a · P(a²), degree 6 in a², fit error 1.2e-9; evaluated as a·c₀ + a·(a²·P₁(a²)) with one FMA
        // so the leading term is not rounded twice (P ≈ 1.13 has a 1.2e-7 ulp, the whole error budget).
        var p = T.Splat(7.875875062685488e-05f);
        p = T.Fma(p, t, T.Splat(-0.000801686428716587f));
        p = T.Fma(p, t, T.Splat(0.005189087423433974f));
        p = T.Fma(p, t, T.Splat(-0.026854212010626412f));
        p = T.Fma(p, t, T.Splat(0.11283594715160218f));
        p = T.Fma(p, t, T.Splat(-0.37612626666720334f));
        var erfSmall = T.Fma(a, T.Splat(1.1283791658483509f), a * (p * t));
        // 1 ≤ a ≤ 4: erfc(a) = exp(−a²) · Q(1/a), degree 8 in 1/a ∈ [1/4, 1], fit error 2.3e-8; beyond 4 erf(a) = 1 in float
        var ac = T.Min(T.Max(a, one), T.Splat(4f));
        var u = one / ac;
        var q = T.Splat(-0.0059340224944551484f);
        q = T.Fma(q, u, T.Splat(0.010945133449111613f));
        q = T.Fma(q, u, T.Splat(0.06135414961306156f));
        q = T.Fma(q, u, T.Splat(-0.2865356076049416f));
        q = T.Fma(q, u, T.Splat(0.5290705746342271f));
        q = T.Fma(q, u, T.Splat(-0.48593950757210147f));
        q = T.Fma(q, u, T.Splat(0.045837909138975154f));
        q = T.Fma(q, u, T.Splat(0.5584799204663452f));
        q = T.Fma(q, u, T.Splat(0.0003050177485519837f));
        var erfcLarge = T.Select(T.GreaterThan(a, T.Splat(4f)), T.Splat(0f), Exp(-(ac * ac)) * q);
        var small = T.LessThan(a, one);
        return (T.Select(small, erfSmall, one - erfcLarge), T.Select(small, one - erfSmall, erfcLarge));
    }

    /// <summary>tanh(x), ~2 ulp: an odd polynomial below 0.6, 1 − 2/(exp(2|x|) + 1) above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T x) where T : struct, ISimd<T>
    {
        var a = T.Abs(x);
        var t = a * a;
        // a < 0.6: tanh(a) = a · T(a²), degree 5 in a² ∈ [0, 0.36], fit error 2.5e-9
        var p = T.Splat(-0.005849643909793125f);
        p = T.Fma(p, t, T.Splat(0.02075134910595479f));
        p = T.Fma(p, t, T.Splat(-0.05376798350832733f));
        p = T.Fma(p, t, T.Splat(0.13331679634558233f));
        p = T.Fma(p, t, T.Splat(-0.3333328283432542f));
        p = T.Fma(p, t, T.Splat(0.9999999974801559f));
        var large = T.Splat(1f) - T.Splat(2f) / (Exp(a + a) + T.Splat(1f));
        return T.CopySign(T.Select(T.LessThan(a, T.Splat(0.6f)), a * p, large), x);
    }
}
