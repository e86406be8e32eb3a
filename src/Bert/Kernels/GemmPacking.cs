using System.Runtime.CompilerServices;

namespace Bert.Kernels;

/// <summary>
/// Packs B operands into the panels the micro-kernels read: panel p holds columns p·nr .. p·nr+nr−1 of B, one row of
/// nr contiguous floats per step of k. The last panel may be narrower (lastNr ≥ its valid columns, see
/// <see cref="GemmPacked.LastPanelWidth"/>); padding columns are zero. Panel p starts at p·kc·nr.
/// </summary>
internal static unsafe class GemmPacking
{
    // w: [cols, kc] rows ldw apart (a block of nn.Linear's [out, in]); dst: panels [kc, nr] (last [kc, lastNr])
    /// <summary>dst[p][q, c] = w[p·nr + c, q]: B = wᵀ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackTransposed(float* w, nint ldw, int cols, int kc, int nr, int lastNr, float* dst)
    {
        for (int p0 = 0; p0 < cols; p0 += nr, dst += (nint)kc * nr)
        {
            int valid = Math.Min(nr, cols - p0), width = p0 + nr >= cols ? lastNr : nr;
            PackTransposedColumns(w + p0 * ldw, ldw, 0, valid, kc, width, dst);
            for (int c = valid; c < width; c++)
                for (int q = 0; q < kc; q++) dst[(nint)q * width + c] = 0;
        }
    }

    // Columns [c0, c1) of one panel of the given width from rows c0..c1−1 of w.
    internal static void PackTransposedColumns(float* w, nint ldw, int c0, int c1, int kc, int width, float* panel)
    {
        for (int c = c0; c < c1; c++)
        {
            // Why row by row: reads of w are contiguous (it may be a cold memory-mapped page); the strided
            // writes land in the cache-resident panel.
            float* src = w + c * ldw;
            float* d = panel + c;
            for (int q = 0; q < kc; q++) d[(nint)q * width] = src[q];
        }
    }

    // v: [kc, cols] rows ldv apart (row-major B, e.g. V of one attention head); dst: panels [kc, nr] (last [kc, lastNr])
    /// <summary>dst[p][q, c] = v[q, p·nr + c]: B = v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackRows(float* v, nint ldv, int cols, int kc, int nr, int lastNr, float* dst)
    {
        for (int p0 = 0; p0 < cols; p0 += nr, dst += (nint)kc * nr)
        {
            int valid = Math.Min(nr, cols - p0), width = p0 + nr >= cols ? lastNr : nr;
            for (int q = 0; q < kc; q++)
            {
                var row = new Span<float>(dst + (nint)q * width, width);
                new ReadOnlySpan<float>(v + q * ldv + p0, valid).CopyTo(row);
                row.Slice(valid).Clear();
            }
        }
    }
}
