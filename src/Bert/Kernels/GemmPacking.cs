using System.Runtime.CompilerServices;

namespace Bert.Kernels;

/// <summary>Packs a block of w (nn.Linear [n, k] layout) into the transposed panels the micro-kernels read.</summary>
internal static unsafe class GemmPacking
{
    // w: [cols, kc] rows ldw apart (a block of nn.Linear's [out, in]); dst: [⌈cols/nr⌉, kc, nr], padding columns zero
    /// <summary>dst[p, q, c] = w[p·nr + c, q]: panel p holds columns p·nr .. p·nr+nr−1 of wᵀ, one row of nr per q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackTransposed(float* w, nint ldw, int cols, int kc, int nr, float* dst)
    {
        for (int p0 = 0; p0 < cols; p0 += nr, dst += (nint)kc * nr)
        {
            int valid = Math.Min(nr, cols - p0);
            for (int c = 0; c < valid; c++)
            {
                // Why row by row: reads of w are contiguous (it may be a cold memory-mapped page); the strided
                // writes land in the L1-resident panel.
                float* src = w + (p0 + c) * ldw;
                float* d = dst + c;
                for (int q = 0; q < kc; q++) d[(nint)q * nr] = src[q];
            }
            for (int c = valid; c < nr; c++)
                for (int q = 0; q < kc; q++) dst[(nint)q * nr + c] = 0;
        }
    }

    // v: [kc, cols] rows ldv apart (row-major B, e.g. V of one attention head); dst: [⌈cols/nr⌉, kc, nr], padding zero
    /// <summary>dst[p, q, c] = v[q, p·nr + c]: panel p holds columns p·nr .. p·nr+nr−1 of v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackRows(float* v, nint ldv, int cols, int kc, int nr, float* dst)
    {
        for (int p0 = 0; p0 < cols; p0 += nr, dst += (nint)kc * nr)
        {
            int valid = Math.Min(nr, cols - p0);
            for (int q = 0; q < kc; q++)
            {
                var row = new Span<float>(dst + (nint)q * nr, nr);
                new ReadOnlySpan<float>(v + q * ldv + p0, valid).CopyTo(row);
                row.Slice(valid).Clear();
            }
        }
    }
}
