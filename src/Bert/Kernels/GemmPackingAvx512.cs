using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bert.Kernels;

/// <summary>
/// AVX-512 packing of w into 48-wide panels by 16×16 register transposes: 64 shuffles per 256 floats instead of
/// 256 scalar moves with strided stores (the scalar pack cost ~70% of the micro-kernel time at m = 128).
/// </summary>
internal static unsafe class GemmPackingAvx512
{
    /// <summary>Whether <see cref="PackTransposed48"/> can run here.</summary>
    public static bool IsSupported => Avx512F.IsSupported;

    // w: [cols, kc] rows ldw apart; dst: panels [kc, 48], the last [kc, lastNr] — GemmPacking.PackTransposed's contract
    /// <summary>dst[p][q, c] = w[p·48 + c, q]; whole 16×16 blocks by transposes, the rest by the scalar packer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: skip tier 0
    public static void PackTransposed48(float* w, nint ldw, int cols, int kc, int lastNr, float* dst)
    {
        const int nr = 48;
        int kc16 = kc & ~15;
        for (int p0 = 0; p0 < cols; p0 += nr, dst += (nint)kc * nr)
        {
            int valid = Math.Min(nr, cols - p0), width = p0 + nr >= cols ? lastNr : nr;
            int whole = valid & ~15; // columns in complete groups of 16
            for (int q = 0; q < kc16; q += 16)
                for (int c = 0; c < whole; c += 16)
                    Transpose16x16(w + (p0 + c) * ldw + q, ldw, dst + (nint)q * width + c, width);
            for (int c = 0; c < whole; c++)
                for (int q = kc16; q < kc; q++) dst[(nint)q * width + c] = w[(p0 + c) * ldw + q];
            GemmPacking.PackTransposedColumns(w + p0 * ldw, ldw, whole, valid, kc, width, dst);
            for (int c = valid; c < width; c++)
                for (int q = 0; q < kc; q++) dst[(nint)q * width + c] = 0;
        }
    }

    // src: 16 rows of 16 floats, lds apart; dst: 16 rows of 16 floats, ldd apart; dst[c, r] = src[r, c]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose16x16(float* src, nint lds, float* dst, nint ldd)
    {
        // Stage 1: interleave pairs of rows within 128-bit lanes: t(2i) = [r2i[0], r2i+1[0], r2i[1], r2i+1[1]] per lane.
        var t0 = Avx512F.UnpackLow(Vector512.Load(src), Vector512.Load(src + lds));
        var t1 = Avx512F.UnpackHigh(Vector512.Load(src), Vector512.Load(src + lds));
        var t2 = Avx512F.UnpackLow(Vector512.Load(src + 2 * lds), Vector512.Load(src + 3 * lds));
        var t3 = Avx512F.UnpackHigh(Vector512.Load(src + 2 * lds), Vector512.Load(src + 3 * lds));
        var t4 = Avx512F.UnpackLow(Vector512.Load(src + 4 * lds), Vector512.Load(src + 5 * lds));
        var t5 = Avx512F.UnpackHigh(Vector512.Load(src + 4 * lds), Vector512.Load(src + 5 * lds));
        var t6 = Avx512F.UnpackLow(Vector512.Load(src + 6 * lds), Vector512.Load(src + 7 * lds));
        var t7 = Avx512F.UnpackHigh(Vector512.Load(src + 6 * lds), Vector512.Load(src + 7 * lds));
        var t8 = Avx512F.UnpackLow(Vector512.Load(src + 8 * lds), Vector512.Load(src + 9 * lds));
        var t9 = Avx512F.UnpackHigh(Vector512.Load(src + 8 * lds), Vector512.Load(src + 9 * lds));
        var t10 = Avx512F.UnpackLow(Vector512.Load(src + 10 * lds), Vector512.Load(src + 11 * lds));
        var t11 = Avx512F.UnpackHigh(Vector512.Load(src + 10 * lds), Vector512.Load(src + 11 * lds));
        var t12 = Avx512F.UnpackLow(Vector512.Load(src + 12 * lds), Vector512.Load(src + 13 * lds));
        var t13 = Avx512F.UnpackHigh(Vector512.Load(src + 12 * lds), Vector512.Load(src + 13 * lds));
        var t14 = Avx512F.UnpackLow(Vector512.Load(src + 14 * lds), Vector512.Load(src + 15 * lds));
        var t15 = Avx512F.UnpackHigh(Vector512.Load(src + 14 * lds), Vector512.Load(src + 15 * lds));
        // Stage 2: pairs of pairs as doubles: lane L of u(4g+j) = column 4L+j of rows 4g..4g+3.
        Quad(t0, t1, t2, t3, out var u0, out var u1, out var u2, out var u3);
        Quad(t4, t5, t6, t7, out var u4, out var u5, out var u6, out var u7);
        Quad(t8, t9, t10, t11, out var u8, out var u9, out var u10, out var u11);
        Quad(t12, t13, t14, t15, out var u12, out var u13, out var u14, out var u15);
        // Stage 3: 4×4 transposes of 128-bit lanes: output row 4L+j = lane L of u(j), u(4+j), u(8+j), u(12+j).
        Lanes(u0, u4, u8, u12, dst, 4 * ldd);
        Lanes(u1, u5, u9, u13, dst + ldd, 4 * ldd);
        Lanes(u2, u6, u10, u14, dst + 2 * ldd, 4 * ldd);
        Lanes(u3, u7, u11, u15, dst + 3 * ldd, 4 * ldd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quad(Vector512<float> lo01, Vector512<float> hi01, Vector512<float> lo23, Vector512<float> hi23,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2, out Vector512<float> c3)
    {
        c0 = Avx512F.UnpackLow(lo01.AsDouble(), lo23.AsDouble()).AsSingle();
        c1 = Avx512F.UnpackHigh(lo01.AsDouble(), lo23.AsDouble()).AsSingle();
        c2 = Avx512F.UnpackLow(hi01.AsDouble(), hi23.AsDouble()).AsSingle();
        c3 = Avx512F.UnpackHigh(hi01.AsDouble(), hi23.AsDouble()).AsSingle();
    }

    // Stores lane L of [a0, a1, a2, a3] concatenated to dst + L·stride, L = 0..3.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lanes(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, float* dst, nint stride)
    {
        var v0 = Avx512F.Shuffle4x128(a0, a1, 0b01_00_01_00); // a0.l0 a0.l1 a1.l0 a1.l1
        var v1 = Avx512F.Shuffle4x128(a0, a1, 0b11_10_11_10); // a0.l2 a0.l3 a1.l2 a1.l3
        var v2 = Avx512F.Shuffle4x128(a2, a3, 0b01_00_01_00);
        var v3 = Avx512F.Shuffle4x128(a2, a3, 0b11_10_11_10);
        Avx512F.Shuffle4x128(v0, v2, 0b10_00_10_00).Store(dst);              // lane 0 of each
        Avx512F.Shuffle4x128(v0, v2, 0b11_01_11_01).Store(dst + stride);     // lane 1
        Avx512F.Shuffle4x128(v1, v3, 0b10_00_10_00).Store(dst + 2 * stride); // lane 2
        Avx512F.Shuffle4x128(v1, v3, 0b11_01_11_01).Store(dst + 3 * stride); // lane 3
    }
}
