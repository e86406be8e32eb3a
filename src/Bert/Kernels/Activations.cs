using System.Numerics;
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
        static abstract Vector<float> Invoke(Vector<float> x);
    }

    private readonly struct GeluOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Invoke(Vector<float> x)
        {
            var (erf, erfc) = VectorMath.ErfErfcOfNonNegative(Vector.Abs(x * new Vector<float>(0.707106781f)));
            // Why erfc for x < 0: 1 + erf(x/√2) = erfc(|x|/√2) there, without the cancellation of 1 − 0.99999…
            var onePlusErf = Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), erfc, Vector<float>.One + erf);
            return new Vector<float>(0.5f) * x * onePlusErf;
        }
    }

    private readonly struct GeluTanhOp : IUnaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Invoke(Vector<float> x)
        {
            // x/2·(1 + tanh u) = x / (1 + exp(−2u)): same value, no cancellation for x ≪ 0, one exp instead of a tanh
            var u2 = x * Vector.FusedMultiplyAdd(new Vector<float>(2 * 0.7978845608f * 0.044715f), x * x, new Vector<float>(2 * 0.7978845608f));
            return x / (Vector<float>.One + VectorMath.Exp(-u2));
        }
    }

    private readonly struct ReluOp : IUnaryOp
    {
        public static Vector<float> Invoke(Vector<float> x) => Vector.Max(x, Vector<float>.Zero);
    }

    private readonly struct TanhOp : IUnaryOp
    {
        public static Vector<float> Invoke(Vector<float> x) => VectorMath.Tanh(x);
    }

    // The one loop of every element-wise kernel: full vectors, then the tail through a vector-sized stack buffer
    // (not an overlapping last vector: that would re-read outputs when y aliases x).
    private static void Map<TOp>(ReadOnlySpan<float> x, Span<float> y) where TOp : IUnaryOp
    {
        if (y.Length < x.Length) throw new ArgumentException($"y has {y.Length} elements, x has {x.Length}.", nameof(y));
        int n = x.Length, w = Vector<float>.Count, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (; i <= n - w; i += w) TOp.Invoke(Vector.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        if (i < n)
        {
            Span<float> tail = stackalloc float[Vector<float>.Count];
            tail.Clear();
            x.Slice(i).CopyTo(tail);
            var v = TOp.Invoke(Vector.LoadUnsafe(ref MemoryMarshal.GetReference(tail)));
            v.StoreUnsafe(ref MemoryMarshal.GetReference(tail));
            tail.Slice(0, n - i).CopyTo(y.Slice(i));
        }
    }
}
