using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bert.Kernels;

/// <summary>Element-wise activations; y may alias x (exactly, not shifted).</summary>
internal static unsafe class Activations
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

    // Why 32K: below that a call takes a few µs, less than handing work to another thread is worth.
    private const int ParallelChunk = 32 * 1024;

    private struct MapJob
    {
        public float* X, Y;
        public int Length;
    }

    // The entry of every element-wise kernel: large inputs in chunks over the kernel threads (a BERT-Base FFN
    // activation is 393K elements, ~0.4 ms on one core), each on the widest accelerated vector.
    private static void Map<TOp>(ReadOnlySpan<float> x, Span<float> y) where TOp : IUnaryOp
    {
        if (y.Length < x.Length) throw new ArgumentException($"y has {y.Length} elements, x has {x.Length}.", nameof(y));
        if (x.Length < 2 * ParallelChunk || KernelThreads.Concurrency == 1) { MapSerial<TOp>(x, y); return; }
        fixed (float* px = x, py = y)
        {
            var job = new MapJob { X = px, Y = py, Length = x.Length };
            KernelThreads.Run(&MapTask<TOp>, &job, (x.Length + ParallelChunk - 1) / ParallelChunk);
        }
    }

    private static void MapTask<TOp>(void* context, int t, int slot) where TOp : IUnaryOp
    {
        var job = (MapJob*)context;
        int start = t * ParallelChunk, length = Math.Min(ParallelChunk, job->Length - start);
        MapSerial<TOp>(new ReadOnlySpan<float>(job->X + start, length), new Span<float>(job->Y + start, length));
    }

    private static void MapSerial<TOp>(ReadOnlySpan<float> x, Span<float> y) where TOp : IUnaryOp
    {
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
