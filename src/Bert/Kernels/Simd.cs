using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bert.Kernels;

/// <summary>
/// The SIMD vocabulary of the element-wise kernels, so their math (<see cref="VectorMath"/>) is written once and
/// instantiated per width: <see cref="V512"/>, <see cref="V256"/> and <see cref="V128"/> (the last also runs in
/// software when hardware intrinsics are off). Each is a one-field struct the JIT keeps in a register.
/// </summary>
/// <typeparam name="T">The implementing vector type.</typeparam>
internal interface ISimd<T> where T : struct, ISimd<T>
{
    /// <summary>Lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on hardware here.</summary>
    static abstract bool IsAccelerated { get; }

    /// <summary>All lanes x.</summary>
    static abstract T Splat(float x);

    /// <summary>Loads Count floats at src + i.</summary>
    static abstract T Load(ref float src, nuint i);

    /// <summary>Stores Count floats at dst + i.</summary>
    static abstract void Store(T v, ref float dst, nuint i);

    /// <summary>a·b + c with one rounding.</summary>
    static abstract T Fma(T a, T b, T c);

    /// <summary>Lane-wise minimum (platform NaN semantics).</summary>
    static abstract T Min(T a, T b);

    /// <summary>Lane-wise maximum (platform NaN semantics).</summary>
    static abstract T Max(T a, T b);

    /// <summary>|a|.</summary>
    static abstract T Abs(T a);

    /// <summary>All-ones lanes where a &lt; b.</summary>
    static abstract T LessThan(T a, T b);

    /// <summary>All-ones lanes where a &gt; b.</summary>
    static abstract T GreaterThan(T a, T b);

    /// <summary>mask ? a : b per lane (mask lanes all-ones or zero).</summary>
    static abstract T Select(T mask, T a, T b);

    /// <summary>The magnitude of m with the sign of s.</summary>
    static abstract T CopySign(T m, T s);

    /// <summary>
    /// p · 2ⁿ for integers n ∈ [−126, 128] held in the low mantissa bits of k = n + 1.5·2²³ (the round-by-adding
    /// trick), as p · 2^⌊n/2⌋ · 2^(n−⌊n/2⌋) so that both factors are normal floats at either end.
    /// </summary>
    static abstract T ScaleByPow2(T p, T k);

    /// <summary>Σ lanes.</summary>
    static abstract float Sum(T v);

    /// <summary>max over lanes.</summary>
    static abstract float MaxAcross(T v);

    /// <summary>a + b.</summary>
    static abstract T operator +(T a, T b);

    /// <summary>a − b.</summary>
    static abstract T operator -(T a, T b);

    /// <summary>a · b.</summary>
    static abstract T operator *(T a, T b);

    /// <summary>a / b.</summary>
    static abstract T operator /(T a, T b);

    /// <summary>−a.</summary>
    static abstract T operator -(T a);
}

/// <summary><see cref="ISimd{T}"/> over Vector512&lt;float&gt;.</summary>
internal readonly struct V512(Vector512<float> value) : ISimd<V512>
{
    private readonly Vector512<float> _v = value;

    public static int Count => Vector512<float>.Count;
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Splat(float x) => new(Vector512.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Load(ref float src, nuint i) => new(Vector512.LoadUnsafe(ref src, i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(V512 v, ref float dst, nuint i) => v._v.StoreUnsafe(ref dst, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Fma(V512 a, V512 b, V512 c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Min(V512 a, V512 b) => new(Vector512.MinNative(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Max(V512 a, V512 b) => new(Vector512.MaxNative(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Abs(V512 a) => new(Vector512.Abs(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 LessThan(V512 a, V512 b) => new(Vector512.LessThan(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 GreaterThan(V512 a, V512 b) => new(Vector512.GreaterThan(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Select(V512 m, V512 a, V512 b) => new(Vector512.ConditionalSelect(m._v, a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 CopySign(V512 m, V512 s) => new(Vector512.CopySign(m._v, s._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 ScaleByPow2(V512 p, V512 k)
    {
        var n = k._v.AsInt32() - Vector512.Create(0x4B40_0000); // bits of 1.5·2²³
        var half = Vector512.ShiftRightArithmetic(n, 1);
        var s1 = Vector512.ShiftLeft(half + Vector512.Create(127), 23).AsSingle();
        var s2 = Vector512.ShiftLeft(n - half + Vector512.Create(127), 23).AsSingle();
        return new(p._v * s1 * s2);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(V512 v) => Vector512.Sum(v._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(V512 v)
    {
        float m = v._v.GetElement(0);
        for (int i = 1; i < Vector512<float>.Count; i++) m = Math.Max(m, v._v.GetElement(i));
        return m;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator +(V512 a, V512 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator -(V512 a, V512 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator *(V512 a, V512 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator /(V512 a, V512 b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator -(V512 a) => new(-a._v);
}

/// <summary><see cref="ISimd{T}"/> over Vector256&lt;float&gt;.</summary>
internal readonly struct V256(Vector256<float> value) : ISimd<V256>
{
    private readonly Vector256<float> _v = value;

    public static int Count => Vector256<float>.Count;
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Splat(float x) => new(Vector256.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Load(ref float src, nuint i) => new(Vector256.LoadUnsafe(ref src, i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(V256 v, ref float dst, nuint i) => v._v.StoreUnsafe(ref dst, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Fma(V256 a, V256 b, V256 c) => new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Min(V256 a, V256 b) => new(Vector256.MinNative(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Max(V256 a, V256 b) => new(Vector256.MaxNative(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Abs(V256 a) => new(Vector256.Abs(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 LessThan(V256 a, V256 b) => new(Vector256.LessThan(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 GreaterThan(V256 a, V256 b) => new(Vector256.GreaterThan(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Select(V256 m, V256 a, V256 b) => new(Vector256.ConditionalSelect(m._v, a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 CopySign(V256 m, V256 s) => new(Vector256.CopySign(m._v, s._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 ScaleByPow2(V256 p, V256 k)
    {
        var n = k._v.AsInt32() - Vector256.Create(0x4B40_0000); // bits of 1.5·2²³
        var half = Vector256.ShiftRightArithmetic(n, 1);
        var s1 = Vector256.ShiftLeft(half + Vector256.Create(127), 23).AsSingle();
        var s2 = Vector256.ShiftLeft(n - half + Vector256.Create(127), 23).AsSingle();
        return new(p._v * s1 * s2);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(V256 v) => Vector256.Sum(v._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(V256 v)
    {
        float m = v._v.GetElement(0);
        for (int i = 1; i < Vector256<float>.Count; i++) m = Math.Max(m, v._v.GetElement(i));
        return m;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator +(V256 a, V256 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator -(V256 a, V256 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator *(V256 a, V256 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator /(V256 a, V256 b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator -(V256 a) => new(-a._v);
}

/// <summary><see cref="ISimd{T}"/> over Vector128&lt;float&gt;.</summary>
internal readonly struct V128(Vector128<float> value) : ISimd<V128>
{
    private readonly Vector128<float> _v = value;

    public static int Count => Vector128<float>.Count;
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Splat(float x) => new(Vector128.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Load(ref float src, nuint i) => new(Vector128.LoadUnsafe(ref src, i));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(V128 v, ref float dst, nuint i) => v._v.StoreUnsafe(ref dst, i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Fma(V128 a, V128 b, V128 c) => new(Vector128.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Min(V128 a, V128 b) => new(Vector128.MinNative(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Max(V128 a, V128 b) => new(Vector128.MaxNative(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Abs(V128 a) => new(Vector128.Abs(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 LessThan(V128 a, V128 b) => new(Vector128.LessThan(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 GreaterThan(V128 a, V128 b) => new(Vector128.GreaterThan(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Select(V128 m, V128 a, V128 b) => new(Vector128.ConditionalSelect(m._v, a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 CopySign(V128 m, V128 s) => new(Vector128.CopySign(m._v, s._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 ScaleByPow2(V128 p, V128 k)
    {
        var n = k._v.AsInt32() - Vector128.Create(0x4B40_0000); // bits of 1.5·2²³
        var half = Vector128.ShiftRightArithmetic(n, 1);
        var s1 = Vector128.ShiftLeft(half + Vector128.Create(127), 23).AsSingle();
        var s2 = Vector128.ShiftLeft(n - half + Vector128.Create(127), 23).AsSingle();
        return new(p._v * s1 * s2);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(V128 v) => Vector128.Sum(v._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(V128 v)
    {
        float m = v._v.GetElement(0);
        for (int i = 1; i < Vector128<float>.Count; i++) m = Math.Max(m, v._v.GetElement(i));
        return m;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator +(V128 a, V128 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator -(V128 a, V128 b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator *(V128 a, V128 b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator /(V128 a, V128 b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 operator -(V128 a) => new(-a._v);
}
