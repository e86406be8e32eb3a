using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bert.Kernels;

/// <summary>
/// Register-tiled GEMM micro-kernels: C[MR, NR] (=|+=) A[MR, kc] · B[kc, NR], with A read in place (rows lda apart,
/// one element broadcast per FMA) and B a packed panel (kc rows of NR contiguous floats).
/// </summary>
/// <remarks>
/// Why this shape: each step loads NR/lanes vectors of B and broadcasts MR scalars of A for MR·NR/lanes FMAs, so the
/// accumulators (MR·NR outputs) never leave the registers during the k loop. The AVX-512 tile is 8×48: 24 zmm
/// accumulators + 3 B vectors + 1 broadcast of the 32 registers; the portable tile is 6×(2·Vector&lt;float&gt;).
/// </remarks>
internal static unsafe class GemmMicroKernels
{
    /// <summary>Rows of the AVX-512 tile.</summary>
    public const int Mr512 = 8;

    /// <summary>Columns of the AVX-512 tile (3 × 16 lanes).</summary>
    public const int Nr512 = 48;

    /// <summary>Rows of the portable tile.</summary>
    public const int MrPortable = 6;

    /// <summary>Columns of the portable tile (2 vectors).</summary>
    public static int NrPortable => 2 * Vector<float>.Count;

    // a: [8, kc] rows lda apart; b: [kc, 48] packed; c: [8, 48] rows ldc apart; bias: [48] or null (only when !accumulate)
    /// <summary>AVX-512 8×48 tile. accumulate: c += a·b, else c = a·b + bias.</summary>
    public static void Kernel8x48(float* a, nint lda, float* b, int kc, float* c, nint ldc, float* bias, bool accumulate)
        => Kernel8x48<float, Float32Panel>(a, lda, b, kc, c, ldc, bias, accumulate);

    // a: [8, kc] rows lda apart; b: [kc, 48] packed elements of T; c: [8, 48] rows ldc apart; bias: [48] or null (only when !accumulate)
    /// <summary>
    /// The AVX-512 8×48 tile over a panel of any element type that <typeparamref name="TPanel"/> reads as F32 (F32 as
    /// is, bfloat16 widened in registers): the same FMAs in the same order whatever the storage.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel8x48<T, TPanel>(float* a, nint lda, T* b, int kc, float* c, nint ldc, float* bias, bool accumulate)
        where T : unmanaged where TPanel : struct, IPanelElements<T>
    {
        Vector512<float> c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32,
                         c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72;
        if (accumulate)
        {
            float* r = c;
            c00 = Vector512.Load(r); c01 = Vector512.Load(r + 16); c02 = Vector512.Load(r + 32); r += ldc;
            c10 = Vector512.Load(r); c11 = Vector512.Load(r + 16); c12 = Vector512.Load(r + 32); r += ldc;
            c20 = Vector512.Load(r); c21 = Vector512.Load(r + 16); c22 = Vector512.Load(r + 32); r += ldc;
            c30 = Vector512.Load(r); c31 = Vector512.Load(r + 16); c32 = Vector512.Load(r + 32); r += ldc;
            c40 = Vector512.Load(r); c41 = Vector512.Load(r + 16); c42 = Vector512.Load(r + 32); r += ldc;
            c50 = Vector512.Load(r); c51 = Vector512.Load(r + 16); c52 = Vector512.Load(r + 32); r += ldc;
            c60 = Vector512.Load(r); c61 = Vector512.Load(r + 16); c62 = Vector512.Load(r + 32); r += ldc;
            c70 = Vector512.Load(r); c71 = Vector512.Load(r + 16); c72 = Vector512.Load(r + 32);
        }
        else
        {
            Vector512<float> b0 = Vector512<float>.Zero, b1 = b0, b2 = b0;
            if (bias != null) { b0 = Vector512.Load(bias); b1 = Vector512.Load(bias + 16); b2 = Vector512.Load(bias + 32); }
            c00 = c10 = c20 = c30 = c40 = c50 = c60 = c70 = b0;
            c01 = c11 = c21 = c31 = c41 = c51 = c61 = c71 = b1;
            c02 = c12 = c22 = c32 = c42 = c52 = c62 = c72 = b2;
        }

        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        for (nint p = 0; p < kc; p++, b += Nr512)
        {
            var b0 = TPanel.Load16(b);
            var b1 = TPanel.Load16(b + 16);
            var b2 = TPanel.Load16(b + 32);
            Vector512<float> s;
            s = Vector512.Create(a0[p]); c00 = Vector512.FusedMultiplyAdd(s, b0, c00); c01 = Vector512.FusedMultiplyAdd(s, b1, c01); c02 = Vector512.FusedMultiplyAdd(s, b2, c02);
            s = Vector512.Create(a1[p]); c10 = Vector512.FusedMultiplyAdd(s, b0, c10); c11 = Vector512.FusedMultiplyAdd(s, b1, c11); c12 = Vector512.FusedMultiplyAdd(s, b2, c12);
            s = Vector512.Create(a2[p]); c20 = Vector512.FusedMultiplyAdd(s, b0, c20); c21 = Vector512.FusedMultiplyAdd(s, b1, c21); c22 = Vector512.FusedMultiplyAdd(s, b2, c22);
            s = Vector512.Create(a3[p]); c30 = Vector512.FusedMultiplyAdd(s, b0, c30); c31 = Vector512.FusedMultiplyAdd(s, b1, c31); c32 = Vector512.FusedMultiplyAdd(s, b2, c32);
            s = Vector512.Create(a4[p]); c40 = Vector512.FusedMultiplyAdd(s, b0, c40); c41 = Vector512.FusedMultiplyAdd(s, b1, c41); c42 = Vector512.FusedMultiplyAdd(s, b2, c42);
            s = Vector512.Create(a5[p]); c50 = Vector512.FusedMultiplyAdd(s, b0, c50); c51 = Vector512.FusedMultiplyAdd(s, b1, c51); c52 = Vector512.FusedMultiplyAdd(s, b2, c52);
            s = Vector512.Create(a6[p]); c60 = Vector512.FusedMultiplyAdd(s, b0, c60); c61 = Vector512.FusedMultiplyAdd(s, b1, c61); c62 = Vector512.FusedMultiplyAdd(s, b2, c62);
            s = Vector512.Create(a7[p]); c70 = Vector512.FusedMultiplyAdd(s, b0, c70); c71 = Vector512.FusedMultiplyAdd(s, b1, c71); c72 = Vector512.FusedMultiplyAdd(s, b2, c72);
        }

        float* o = c;
        c00.Store(o); c01.Store(o + 16); c02.Store(o + 32); o += ldc;
        c10.Store(o); c11.Store(o + 16); c12.Store(o + 32); o += ldc;
        c20.Store(o); c21.Store(o + 16); c22.Store(o + 32); o += ldc;
        c30.Store(o); c31.Store(o + 16); c32.Store(o + 32); o += ldc;
        c40.Store(o); c41.Store(o + 16); c42.Store(o + 32); o += ldc;
        c50.Store(o); c51.Store(o + 16); c52.Store(o + 32); o += ldc;
        c60.Store(o); c61.Store(o + 16); c62.Store(o + 32); o += ldc;
        c70.Store(o); c71.Store(o + 16); c72.Store(o + 32);
    }

    // a: [8, kc] rows lda apart; b: [kc, 32] packed; c: [8, 32] rows ldc apart; bias: [32] or null
    /// <summary>AVX-512 8×32 tile for a last panel of 17..32 columns. Same contract as <see cref="Kernel8x48"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel8x32(float* a, nint lda, float* b, int kc, float* c, nint ldc, float* bias, bool accumulate)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (accumulate)
        {
            float* r = c;
            c00 = Vector512.Load(r); c01 = Vector512.Load(r + 16); r += ldc;
            c10 = Vector512.Load(r); c11 = Vector512.Load(r + 16); r += ldc;
            c20 = Vector512.Load(r); c21 = Vector512.Load(r + 16); r += ldc;
            c30 = Vector512.Load(r); c31 = Vector512.Load(r + 16); r += ldc;
            c40 = Vector512.Load(r); c41 = Vector512.Load(r + 16); r += ldc;
            c50 = Vector512.Load(r); c51 = Vector512.Load(r + 16); r += ldc;
            c60 = Vector512.Load(r); c61 = Vector512.Load(r + 16); r += ldc;
            c70 = Vector512.Load(r); c71 = Vector512.Load(r + 16);
        }
        else
        {
            Vector512<float> b0 = Vector512<float>.Zero, b1 = b0;
            if (bias != null) { b0 = Vector512.Load(bias); b1 = Vector512.Load(bias + 16); }
            c00 = c10 = c20 = c30 = c40 = c50 = c60 = c70 = b0;
            c01 = c11 = c21 = c31 = c41 = c51 = c61 = c71 = b1;
        }

        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        for (nint p = 0; p < kc; p++, b += 32)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            Vector512<float> s;
            s = Vector512.Create(a0[p]); c00 = Vector512.FusedMultiplyAdd(s, b0, c00); c01 = Vector512.FusedMultiplyAdd(s, b1, c01);
            s = Vector512.Create(a1[p]); c10 = Vector512.FusedMultiplyAdd(s, b0, c10); c11 = Vector512.FusedMultiplyAdd(s, b1, c11);
            s = Vector512.Create(a2[p]); c20 = Vector512.FusedMultiplyAdd(s, b0, c20); c21 = Vector512.FusedMultiplyAdd(s, b1, c21);
            s = Vector512.Create(a3[p]); c30 = Vector512.FusedMultiplyAdd(s, b0, c30); c31 = Vector512.FusedMultiplyAdd(s, b1, c31);
            s = Vector512.Create(a4[p]); c40 = Vector512.FusedMultiplyAdd(s, b0, c40); c41 = Vector512.FusedMultiplyAdd(s, b1, c41);
            s = Vector512.Create(a5[p]); c50 = Vector512.FusedMultiplyAdd(s, b0, c50); c51 = Vector512.FusedMultiplyAdd(s, b1, c51);
            s = Vector512.Create(a6[p]); c60 = Vector512.FusedMultiplyAdd(s, b0, c60); c61 = Vector512.FusedMultiplyAdd(s, b1, c61);
            s = Vector512.Create(a7[p]); c70 = Vector512.FusedMultiplyAdd(s, b0, c70); c71 = Vector512.FusedMultiplyAdd(s, b1, c71);
        }

        float* o = c;
        c00.Store(o); c01.Store(o + 16); o += ldc;
        c10.Store(o); c11.Store(o + 16); o += ldc;
        c20.Store(o); c21.Store(o + 16); o += ldc;
        c30.Store(o); c31.Store(o + 16); o += ldc;
        c40.Store(o); c41.Store(o + 16); o += ldc;
        c50.Store(o); c51.Store(o + 16); o += ldc;
        c60.Store(o); c61.Store(o + 16); o += ldc;
        c70.Store(o); c71.Store(o + 16);
    }

    // a: [8, kc] rows lda apart; b: [kc, 16] packed; c: [8, 16] rows ldc apart; bias: [16] or null
    /// <summary>AVX-512 8×16 tile for a last panel of 1..16 columns. Same contract as <see cref="Kernel8x48"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel8x16(float* a, nint lda, float* b, int kc, float* c, nint ldc, float* bias, bool accumulate)
    {
        Vector512<float> c0, c1, c2, c3, c4, c5, c6, c7;
        if (accumulate)
        {
            c0 = Vector512.Load(c); c1 = Vector512.Load(c + ldc); c2 = Vector512.Load(c + 2 * ldc); c3 = Vector512.Load(c + 3 * ldc);
            c4 = Vector512.Load(c + 4 * ldc); c5 = Vector512.Load(c + 5 * ldc); c6 = Vector512.Load(c + 6 * ldc); c7 = Vector512.Load(c + 7 * ldc);
        }
        else c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = bias != null ? Vector512.Load(bias) : Vector512<float>.Zero;

        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        for (nint p = 0; p < kc; p++, b += 16)
        {
            var b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[p]), b0, c0); c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[p]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[p]), b0, c2); c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[p]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[p]), b0, c4); c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a5[p]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[p]), b0, c6); c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a7[p]), b0, c7);
        }
        c0.Store(c); c1.Store(c + ldc); c2.Store(c + 2 * ldc); c3.Store(c + 3 * ldc);
        c4.Store(c + 4 * ldc); c5.Store(c + 5 * ldc); c6.Store(c + 6 * ldc); c7.Store(c + 7 * ldc);
    }

    // a: [6, kc] rows lda apart; b: [kc, 2V] packed; c: [6, 2V] rows ldc apart; bias: [2V] or null
    /// <summary>Portable 6×(2·Vector&lt;float&gt;) tile (AVX2, SSE, NEON or software). Same contract as <see cref="Kernel8x48"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void KernelPortable(float* a, nint lda, float* b, int kc, float* c, nint ldc, float* bias, bool accumulate)
    {
        int w = Vector<float>.Count;
        Vector<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            float* r = c;
            c00 = Vector.Load(r); c01 = Vector.Load(r + w); r += ldc;
            c10 = Vector.Load(r); c11 = Vector.Load(r + w); r += ldc;
            c20 = Vector.Load(r); c21 = Vector.Load(r + w); r += ldc;
            c30 = Vector.Load(r); c31 = Vector.Load(r + w); r += ldc;
            c40 = Vector.Load(r); c41 = Vector.Load(r + w); r += ldc;
            c50 = Vector.Load(r); c51 = Vector.Load(r + w);
        }
        else
        {
            Vector<float> b0 = Vector<float>.Zero, b1 = b0;
            if (bias != null) { b0 = Vector.Load(bias); b1 = Vector.Load(bias + w); }
            c00 = c10 = c20 = c30 = c40 = c50 = b0;
            c01 = c11 = c21 = c31 = c41 = c51 = b1;
        }

        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        for (nint p = 0; p < kc; p++, b += 2 * w)
        {
            var b0 = Vector.Load(b);
            var b1 = Vector.Load(b + w);
            Vector<float> s;
            s = new Vector<float>(a0[p]); c00 = Vector.FusedMultiplyAdd(s, b0, c00); c01 = Vector.FusedMultiplyAdd(s, b1, c01);
            s = new Vector<float>(a1[p]); c10 = Vector.FusedMultiplyAdd(s, b0, c10); c11 = Vector.FusedMultiplyAdd(s, b1, c11);
            s = new Vector<float>(a2[p]); c20 = Vector.FusedMultiplyAdd(s, b0, c20); c21 = Vector.FusedMultiplyAdd(s, b1, c21);
            s = new Vector<float>(a3[p]); c30 = Vector.FusedMultiplyAdd(s, b0, c30); c31 = Vector.FusedMultiplyAdd(s, b1, c31);
            s = new Vector<float>(a4[p]); c40 = Vector.FusedMultiplyAdd(s, b0, c40); c41 = Vector.FusedMultiplyAdd(s, b1, c41);
            s = new Vector<float>(a5[p]); c50 = Vector.FusedMultiplyAdd(s, b0, c50); c51 = Vector.FusedMultiplyAdd(s, b1, c51);
        }

        float* o = c;
        c00.Store(o); c01.Store(o + w); o += ldc;
        c10.Store(o); c11.Store(o + w); o += ldc;
        c20.Store(o); c21.Store(o + w); o += ldc;
        c30.Store(o); c31.Store(o + w); o += ldc;
        c40.Store(o); c41.Store(o + w); o += ldc;
        c50.Store(o); c51.Store(o + w);
    }
}

/// <summary>How the 8×48 micro-kernel reads 16 consecutive weights of a packed panel as F32.</summary>
internal unsafe interface IPanelElements<T> where T : unmanaged
{
    /// <summary>The 16 weights at p as floats.</summary>
    static abstract Vector512<float> Load16(T* p);
}

/// <summary>F32 panels: loaded as they are.</summary>
internal readonly unsafe struct Float32Panel : IPanelElements<float>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(float* p) => Vector512.Load(p);
}

/// <summary>bfloat16 panels: each weight widened to F32 in registers (vpmovzxwd + shift).</summary>
internal readonly unsafe struct BFloat16Panel : IPanelElements<ushort>
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(ushort* p) => BFloat16.LoadWidened512(p);
}
