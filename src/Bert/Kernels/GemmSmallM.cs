using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Bert.Kernels;

/// <summary>
/// GEMM for m ≤ <see cref="Gemm.SmallM"/>: every group of 4 rows of w is read from memory once, straight from its
/// [out, in] layout, and dotted with all rows of x (which stay in L1/L2). No packing: at m = 8 the weights are read
/// once from DRAM and packing them would cost as much as the FLOPs.
/// </summary>
/// <remarks>Tiles of 4 rows of x × 4 rows of w keep 16 vector accumulators; each is summed horizontally once per k.</remarks>
internal static unsafe class GemmSmallM
{
    /// <summary>Runs the job over all threads (F32 weights in job.W, or bfloat16 in job.WBFloat16).</summary>
    public static void Run(ref GemmJob job)
    {
        // Why ~8 tasks per thread of ≥ 16 columns: enough to balance two shared cores, few enough to stay cheap.
        int perTask = (job.N + 8 * KernelThreads.Concurrency - 1) / (8 * KernelThreads.Concurrency);
        job.ColumnsPerTask = Math.Max(16, (perTask + 3) & ~3);
        fixed (GemmJob* pj = &job)
        {
            if (job.WBFloat16 != null) KernelThreads.Run(&Task<BFloat16Rows>, pj, job.TaskCount);
            else KernelThreads.Run(&Task<Float32Rows>, pj, job.TaskCount);
        }
    }

    private static void Task<TW>(void* context, int t, int slot) where TW : struct, IWeightRows
    {
        ref readonly GemmJob job = ref *(GemmJob*)context;
        var (j0, j1) = job.Columns(t);
        int m = job.M, k = job.K, n = job.N;
        byte* wBase = TW.ElementSize == sizeof(float) ? (byte*)job.W : (byte*)job.WBFloat16;
        nint rowBytes = (nint)k * TW.ElementSize;
        int j = j0;
        for (; j + 4 <= j1; j += 4)
        {
            byte* w = wBase + j * rowBytes;
            // The first pass over this group of 4 rows of w (from DRAM) prefetches the next group; later passes hit L1/L2.
            byte* next = j + 8 <= j1 ? w + 4 * rowBytes : null;
            int i = 0;
            for (; i + 4 <= m; i += 4, next = null) Dot4x4<TW>(job.X + (nint)i * k, w, k, job.Y + (nint)i * n + j, n, next);
            for (; i < m; i++, next = null) Dot1x4<TW>(job.X + (nint)i * k, w, k, job.Y + (nint)i * n + j, next);
        }
        for (; j < j1; j++)
            for (int i = 0; i < m; i++) job.Y[(nint)i * n + j] = Dot<TW>(job.X + (nint)i * k, wBase + j * rowBytes, k);

        if (job.Bias != null)
            for (int i = 0; i < m; i++)
            {
                var row = new Span<float>(job.Y + (nint)i * n + j0, j1 - j0);
                System.Numerics.Tensors.TensorPrimitives.Add(row, new ReadOnlySpan<float>(job.Bias + j0, j1 - j0), row);
            }
        Gemm.Activate(job.Activation, job.Y + j0, n, m, j1 - j0);
    }

    // x: 4 rows [4, k] (stride k); w: 4 rows [4, k] (stride k); y[r, c] = x_r · w_c, rows of y ldy apart
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4<TW>(float* x, byte* w, int k, float* y, nint ldy, byte* next) where TW : struct, IWeightRows
    {
        int v = Vector<float>.Count;
        Vector<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default,
                      a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
        nint rb = (nint)k * TW.ElementSize;
        float* x0 = x, x1 = x + k, x2 = x + 2 * k, x3 = x + 3 * k;
        byte* w0 = w, w1 = w + rb, w2 = w + 2 * rb, w3 = w + 3 * rb;
        int p = 0;
        for (; p + v <= k; p += v)
        {
            if (next != null) PrefetchNext(next, p * TW.ElementSize, TW.ElementSize);
            var b0 = TW.Load(w0, p); var b1 = TW.Load(w1, p); var b2 = TW.Load(w2, p); var b3 = TW.Load(w3, p);
            var r = Vector.Load(x0 + p);
            a00 = Vector.FusedMultiplyAdd(r, b0, a00); a01 = Vector.FusedMultiplyAdd(r, b1, a01); a02 = Vector.FusedMultiplyAdd(r, b2, a02); a03 = Vector.FusedMultiplyAdd(r, b3, a03);
            r = Vector.Load(x1 + p);
            a10 = Vector.FusedMultiplyAdd(r, b0, a10); a11 = Vector.FusedMultiplyAdd(r, b1, a11); a12 = Vector.FusedMultiplyAdd(r, b2, a12); a13 = Vector.FusedMultiplyAdd(r, b3, a13);
            r = Vector.Load(x2 + p);
            a20 = Vector.FusedMultiplyAdd(r, b0, a20); a21 = Vector.FusedMultiplyAdd(r, b1, a21); a22 = Vector.FusedMultiplyAdd(r, b2, a22); a23 = Vector.FusedMultiplyAdd(r, b3, a23);
            r = Vector.Load(x3 + p);
            a30 = Vector.FusedMultiplyAdd(r, b0, a30); a31 = Vector.FusedMultiplyAdd(r, b1, a31); a32 = Vector.FusedMultiplyAdd(r, b2, a32); a33 = Vector.FusedMultiplyAdd(r, b3, a33);
        }
        float* y0 = y, y1 = y + ldy, y2 = y + 2 * ldy, y3 = y + 3 * ldy;
        y0[0] = Vector.Sum(a00) + Tail<TW>(x0, w0, p, k); y0[1] = Vector.Sum(a01) + Tail<TW>(x0, w1, p, k); y0[2] = Vector.Sum(a02) + Tail<TW>(x0, w2, p, k); y0[3] = Vector.Sum(a03) + Tail<TW>(x0, w3, p, k);
        y1[0] = Vector.Sum(a10) + Tail<TW>(x1, w0, p, k); y1[1] = Vector.Sum(a11) + Tail<TW>(x1, w1, p, k); y1[2] = Vector.Sum(a12) + Tail<TW>(x1, w2, p, k); y1[3] = Vector.Sum(a13) + Tail<TW>(x1, w3, p, k);
        y2[0] = Vector.Sum(a20) + Tail<TW>(x2, w0, p, k); y2[1] = Vector.Sum(a21) + Tail<TW>(x2, w1, p, k); y2[2] = Vector.Sum(a22) + Tail<TW>(x2, w2, p, k); y2[3] = Vector.Sum(a23) + Tail<TW>(x2, w3, p, k);
        y3[0] = Vector.Sum(a30) + Tail<TW>(x3, w0, p, k); y3[1] = Vector.Sum(a31) + Tail<TW>(x3, w1, p, k); y3[2] = Vector.Sum(a32) + Tail<TW>(x3, w2, p, k); y3[3] = Vector.Sum(a33) + Tail<TW>(x3, w3, p, k);
    }

    // x: one row [k]; w: 4 rows [4, k]; y[c] = x · w_c
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x4<TW>(float* x, byte* w, int k, float* y, byte* next) where TW : struct, IWeightRows
    {
        int v = Vector<float>.Count;
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        nint rb = (nint)k * TW.ElementSize;
        byte* w0 = w, w1 = w + rb, w2 = w + 2 * rb, w3 = w + 3 * rb;
        int p = 0;
        for (; p + v <= k; p += v)
        {
            if (next != null) PrefetchNext(next, p * TW.ElementSize, TW.ElementSize);
            var r = Vector.Load(x + p);
            a0 = Vector.FusedMultiplyAdd(r, TW.Load(w0, p), a0); a1 = Vector.FusedMultiplyAdd(r, TW.Load(w1, p), a1);
            a2 = Vector.FusedMultiplyAdd(r, TW.Load(w2, p), a2); a3 = Vector.FusedMultiplyAdd(r, TW.Load(w3, p), a3);
        }
        y[0] = Vector.Sum(a0) + Tail<TW>(x, w0, p, k); y[1] = Vector.Sum(a1) + Tail<TW>(x, w1, p, k);
        y[2] = Vector.Sum(a2) + Tail<TW>(x, w2, p, k); y[3] = Vector.Sum(a3) + Tail<TW>(x, w3, p, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot<TW>(float* x, byte* w, int k) where TW : struct, IWeightRows
    {
        int v = Vector<float>.Count;
        Vector<float> a = default;
        int p = 0;
        for (; p + v <= k; p += v) a = Vector.FusedMultiplyAdd(Vector.Load(x + p), TW.Load(w, p), a);
        return Vector.Sum(a) + Tail<TW>(x, w, p, k);
    }

    // Why: 4 interleaved 3 KiB streams are too short for the hardware prefetchers to ramp up (measured 6 GB/s from
    // DRAM against 23 GB/s for one sequential stream). While the current group's step consumes 4·lanes weights, this
    // asks for the same number of bytes of the next group (contiguous 4 rows), into L2; offset = bytes consumed per row so far.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchNext(byte* next, int offset, int elementSize)
    {
        if (!Sse.IsSupported) return;
        byte* line = next + 4 * (nint)offset;
        for (int l = 0; l < 4 * Vector<float>.Count * elementSize; l += 64) Sse.Prefetch1(line + l);
    }

    // The k % lanes leftover products (scalar: at most lanes − 1 of them).
    private static float Tail<TW>(float* x, byte* w, int p, int k) where TW : struct, IWeightRows
    {
        float s = 0;
        for (; p < k; p++) s = MathF.FusedMultiplyAdd(x[p], TW.At(w, p), s);
        return s;
    }
}

/// <summary>How <see cref="GemmSmallM"/> reads weight rows of one storage type as F32.</summary>
internal unsafe interface IWeightRows
{
    /// <summary>Bytes per stored weight.</summary>
    static abstract int ElementSize { get; }

    /// <summary>Vector&lt;float&gt;.Count weights of the row starting at element p, as F32.</summary>
    static abstract Vector<float> Load(byte* row, int p);

    /// <summary>Weight p of the row as F32.</summary>
    static abstract float At(byte* row, int p);
}

/// <summary>F32 rows: plain loads.</summary>
internal unsafe struct Float32Rows : IWeightRows
{
    public static int ElementSize => sizeof(float);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(byte* row, int p) => Vector.Load((float*)row + p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float At(byte* row, int p) => ((float*)row)[p];
}

/// <summary>bfloat16 rows: half-width loads widened to F32 in registers (<see cref="BFloat16.LoadWidened"/>).</summary>
internal unsafe struct BFloat16Rows : IWeightRows
{
    public static int ElementSize => sizeof(ushort);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(byte* row, int p) => BFloat16.LoadWidened((ushort*)row + p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float At(byte* row, int p) => BFloat16.Widen(((ushort*)row)[p]);
}
