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
    /// <summary>Runs the job over all threads.</summary>
    public static void Run(ref GemmJob job)
    {
        // Why ~8 tasks per thread of ≥ 16 columns: enough to balance two shared cores, few enough to stay cheap.
        int perTask = (job.N + 8 * KernelThreads.Concurrency - 1) / (8 * KernelThreads.Concurrency);
        job.ColumnsPerTask = Math.Max(16, (perTask + 3) & ~3);
        fixed (GemmJob* pj = &job) KernelThreads.Run(&Task, pj, job.TaskCount);
    }

    private static void Task(void* context, int t, int slot)
    {
        ref readonly GemmJob job = ref *(GemmJob*)context;
        var (j0, j1) = job.Columns(t);
        int m = job.M, k = job.K, n = job.N;
        int j = j0;
        for (; j + 4 <= j1; j += 4)
        {
            float* w = job.W + (nint)j * k;
            // The first pass over this group of 4 rows of w (from DRAM) prefetches the next group; later passes hit L1/L2.
            float* next = j + 8 <= j1 ? w + 4 * (nint)k : null;
            int i = 0;
            for (; i + 4 <= m; i += 4, next = null) Dot4x4(job.X + (nint)i * k, w, k, job.Y + (nint)i * n + j, n, next);
            for (; i < m; i++, next = null) Dot1x4(job.X + (nint)i * k, w, k, job.Y + (nint)i * n + j, next);
        }
        for (; j < j1; j++)
            for (int i = 0; i < m; i++) job.Y[(nint)i * n + j] = Dot(job.X + (nint)i * k, job.W + (nint)j * k, k);

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
    private static void Dot4x4(float* x, float* w, int k, float* y, nint ldy, float* next)
    {
        int v = Vector<float>.Count;
        Vector<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default,
                      a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
        float* x0 = x, x1 = x + k, x2 = x + 2 * k, x3 = x + 3 * k, w0 = w, w1 = w + k, w2 = w + 2 * k, w3 = w + 3 * k;
        int p = 0;
        for (; p + v <= k; p += v)
        {
            if (next != null) PrefetchNext(next, p);
            var b0 = Vector.Load(w0 + p); var b1 = Vector.Load(w1 + p); var b2 = Vector.Load(w2 + p); var b3 = Vector.Load(w3 + p);
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
        y0[0] = Vector.Sum(a00) + Tail(x0, w0, p, k); y0[1] = Vector.Sum(a01) + Tail(x0, w1, p, k); y0[2] = Vector.Sum(a02) + Tail(x0, w2, p, k); y0[3] = Vector.Sum(a03) + Tail(x0, w3, p, k);
        y1[0] = Vector.Sum(a10) + Tail(x1, w0, p, k); y1[1] = Vector.Sum(a11) + Tail(x1, w1, p, k); y1[2] = Vector.Sum(a12) + Tail(x1, w2, p, k); y1[3] = Vector.Sum(a13) + Tail(x1, w3, p, k);
        y2[0] = Vector.Sum(a20) + Tail(x2, w0, p, k); y2[1] = Vector.Sum(a21) + Tail(x2, w1, p, k); y2[2] = Vector.Sum(a22) + Tail(x2, w2, p, k); y2[3] = Vector.Sum(a23) + Tail(x2, w3, p, k);
        y3[0] = Vector.Sum(a30) + Tail(x3, w0, p, k); y3[1] = Vector.Sum(a31) + Tail(x3, w1, p, k); y3[2] = Vector.Sum(a32) + Tail(x3, w2, p, k); y3[3] = Vector.Sum(a33) + Tail(x3, w3, p, k);
    }

    // x: one row [k]; w: 4 rows [4, k]; y[c] = x · w_c
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x4(float* x, float* w, int k, float* y, float* next)
    {
        int v = Vector<float>.Count;
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        float* w0 = w, w1 = w + k, w2 = w + 2 * k, w3 = w + 3 * k;
        int p = 0;
        for (; p + v <= k; p += v)
        {
            if (next != null) PrefetchNext(next, p);
            var r = Vector.Load(x + p);
            a0 = Vector.FusedMultiplyAdd(r, Vector.Load(w0 + p), a0); a1 = Vector.FusedMultiplyAdd(r, Vector.Load(w1 + p), a1);
            a2 = Vector.FusedMultiplyAdd(r, Vector.Load(w2 + p), a2); a3 = Vector.FusedMultiplyAdd(r, Vector.Load(w3 + p), a3);
        }
        y[0] = Vector.Sum(a0) + Tail(x, w0, p, k); y[1] = Vector.Sum(a1) + Tail(x, w1, p, k);
        y[2] = Vector.Sum(a2) + Tail(x, w2, p, k); y[3] = Vector.Sum(a3) + Tail(x, w3, p, k);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(float* x, float* w, int k)
    {
        int v = Vector<float>.Count;
        Vector<float> a = default;
        int p = 0;
        for (; p + v <= k; p += v) a = Vector.FusedMultiplyAdd(Vector.Load(x + p), Vector.Load(w + p), a);
        return Vector.Sum(a) + Tail(x, w, p, k);
    }

    // Why: 4 interleaved 3 KiB streams are too short for the hardware prefetchers to ramp up (measured 6 GB/s from
    // DRAM against 23 GB/s for one sequential stream). While the current group's step consumes 4·lanes floats, this
    // asks for the same number of floats of the next group (contiguous 4·k floats), into L2.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchNext(float* next, int p)
    {
        if (!Sse.IsSupported) return;
        float* line = next + 4 * (nint)p;
        for (int l = 0; l < 4 * Vector<float>.Count; l += 16) Sse.Prefetch1(line + l);
    }

    // The k % lanes leftover products (scalar: at most lanes − 1 of them).
    private static float Tail(float* x, float* w, int p, int k)
    {
        float s = 0;
        for (; p < k; p++) s = MathF.FusedMultiplyAdd(x[p], w[p], s);
        return s;
    }
}
