using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bert.Kernels;

/// <summary>Element-wise activations; y may alias x (exactly, not shifted).</summary>
internal static class Activations
{
    // x, y: [len] (y at least as long as x)
    /// <summary>Exact GELU (HF "gelu"): y = x/2 · (1 + erf(x/√2)).</summary>
    /// <exception cref="ArgumentException">y is shorter than x.</exception>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y) => Map<GeluOp>(x, y);

    /// <summary>Tanh GELU (HF "gelu_new", "gelu_pytorch_tanh"): y = x/2 · (1 + tanh(√(2/π)·(x + 0.044715 x³))).</summary>
    /// <exception cref="ArgumentException">y is shorter than x.</exception>
    public static void GeluTanh(ReadOnlySpan<float> x, Span<float> y) => Map<GeluTanhOp>(x, y);

    /// <summary>y = max(x, 0).</summary>
    /// <exception cref="ArgumentException">y is shorter than x.</exception>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => Map<ReluOp>(x, y);

    /// <summary>y = tanh(x).</summary>
    /// <exception cref="ArgumentException">y is shorter than x.</exception>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => Map<TanhOp>(x, y);

    private interface IUnaryOp
    {
        static abstract T Invoke<T>(T x) where T : struct, ISimd<T>;
    }

    private readonly struct GeluOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Invoke<T>(T x) where T : struct, ISimd<T>
        {
            var (erf, erfc) = VectorMath.ErfErfcOfNonNegative(T.Abs(x * T.Splat(0.707106781f)));
            // Why erfc for x < 0: 1 + erf(x/√2) = erfc(|x|/√2) there, without the cancellation of 1 − 0.99999…
            var onePlusErf = T.Select(T.LessThan(x, T.Splat(0f)), erfc, T.Splat(1f) + erf);
            return T.Splat(0.5f) * x * onePlusErf;
        }
    }

    private readonly struct GeluTanhOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Invoke<T>(T x) where T : struct, ISimd<T>
        {
            // x/2·(1 + tanh u) = x / (1 + exp(−2u)): same value, no cancellation for x ≪ 0, one exp instead of a tanh
            var u2 = x * T.Fma(T.Splat(2 * 0.7978845608f * 0.044715f), x * x, T.Splat(2 * 0.7978845608f));
            return x / (T.Splat(1f) + VectorMath.Exp(-u2));
        }
    }

    private readonly struct ReluOp : IUnaryOp
    {
        public static T Invoke<T>(T x) where T : struct, ISimd<T> => T.Max(x, T.Splat(0f));
    }

    private readonly struct TanhOp : IUnaryOp
    {
        public static T Invoke<T>(T x) where T : struct, ISimd<T> => VectorMath.Tanh(x);
    }

    // The one loop of every element-wise kernel, on the widest accelerated vector (V128 also as the software path).
    private static void Map<TOp>(ReadOnlySpan<float> x, Span<float> y) where TOp : IUnaryOp
    {
        if (y.Length < x.Length) throw new ArgumentException($"y has {y.Length} elements, x has {x.Length}.", nameof(y));
        if (V512.IsAccelerated) Map<TOp, V512>(x, y);
        else if (V256.IsAccelerated) Map<TOp, V256>(x, y);
        else Map<TOp, V128>(x, y);
    }

    // Full vectors, then the tail through a vector-sized stack buffer (not an overlapping last vector: that would
    // re-read outputs when y aliases x).
    private static void Map<TOp, T>(ReadOnlySpan<float> x, Span<float> y) where TOp : IUnaryOp where T : struct, ISimd<T>
    {
        int n = x.Length, w = T.Count, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (; i <= n - w; i += w) T.Store(TOp.Invoke(T.Load(ref xr, (nuint)i)), ref yr, (nuint)i);
        if (i < n)
        {
            Span<float> tail = stackalloc float[16];
            tail.Clear();
            x.Slice(i).CopyTo(tail);
            ref float tr = ref MemoryMarshal.GetReference(tail);
            T.Store(TOp.Invoke(T.Load(ref tr, 0)), ref tr, 0);
            tail.Slice(0, n - i).CopyTo(y.Slice(i));
        }
    }
}
