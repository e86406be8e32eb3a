using System.Runtime.Intrinsics;

namespace Bert.Kernels;

/// <summary>
/// Compute-bound GEMM (m &gt; <see cref="Gemm.SmallM"/>): BLIS-style blocking around a register-tiled micro-kernel.
/// Each task owns a block of ≤ NC columns of y; per KC-slice of k it packs its columns of w (transposed into panels of
/// NR columns) into a per-thread buffer, then sweeps all rows of x over them.
/// </summary>
/// <remarks>
/// Block sizes (Zen 4: 32 KiB L1d, 1 MiB L2 per core): the packed block KC×NC ≤ 256×192 floats = 192 KiB and the
/// rows of x (MC×KC ≤ 480 KiB) sit in L2; one panel (48 KiB) is swept by all row tiles in turn. KC = 128, 192 and
/// 256 measured within noise of each other; 256 halves the reloads of y between k-slices.
/// </remarks>
internal static unsafe class GemmPacked
{
    private const int Kc = 256;
    private const int Mc = 480; // multiple of both tile heights (8 and 6)
    private const int PanelsPerTaskMax = 4;

    private static bool Use512 => Vector512.IsHardwareAccelerated;

    /// <summary>Rows of the micro-kernel tile on this machine.</summary>
    public static int Mr => Use512 ? GemmMicroKernels.Mr512 : GemmMicroKernels.MrPortable;

    /// <summary>Columns of the micro-kernel tile (= width of a packed panel) on this machine.</summary>
    public static int Nr => Use512 ? GemmMicroKernels.Nr512 : GemmMicroKernels.NrPortable;

    /// <summary>Floats of edge scratch <see cref="MultiplyBlock"/> needs for a depth of at most kc.</summary>
    public static int EdgeScratchLength(int kc) => Mr * kc + Mr * Nr + Nr;

    /// <summary>
    /// Width of the last panel when it has <paramref name="valid"/> columns: with AVX-512 the next multiple of 16
    /// (8×16 and 8×32 kernels exist, so e.g. a head of 64 is 48 + 16, not 48 + 48), else the full <see cref="Nr"/>.
    /// </summary>
    public static int LastPanelWidth(int valid) => Use512 ? Math.Min(Nr, (valid + 15) & ~15) : Nr;

    private static int LastWidthOf(int cols) => LastPanelWidth(cols - (cols - 1) / Nr * Nr);

    [ThreadStatic] private static float[]? t_scratch;

    /// <summary>Runs the job over all threads.</summary>
    public static void Run(ref GemmJob job)
    {
        int threads = KernelThreads.Concurrency;
        // Why ~4 tasks per thread: the two cores are shared, so dynamic balancing needs a few tasks to move around.
        int panels = (job.N + Nr - 1) / Nr;
        int panelsPerTask = Math.Clamp(panels / (4 * threads), 1, PanelsPerTaskMax);
        job.ColumnsPerTask = panelsPerTask * Nr;
        Scratch(); // Why here: the caller's buffer is then made by its first call even if the workers take every task
        fixed (GemmJob* pj = &job) KernelThreads.Run(&Task, pj, job.TaskCount);
    }

    private static void Task(void* context, int t, int slot)
    {
        ref readonly GemmJob job = ref *(GemmJob*)context;
        var (j0, j1) = job.Columns(t);
        fixed (float* scratch = Scratch())
        {
            float* packed = (float*)(((nint)scratch + 63) & ~(nint)63); // 64-byte aligned panel loads
            float* edge = packed + Kc * Nr * PanelsPerTaskMax;
            for (int pc = 0; pc < job.K; pc += Kc)
            {
                int kc = Math.Min(Kc, job.K - pc);
                PackTransposed(job.W + (nint)j0 * job.K + pc, job.K, j1 - j0, kc, packed);
                bool first = pc == 0, last = pc + kc == job.K;
                MultiplyBlock(job.X + pc, job.K, job.M, packed, kc, j1 - j0, job.Y + j0, job.N,
                    first && job.Bias != null ? job.Bias + j0 : null, !first, last ? job.Activation : GemmActivation.None, edge);
            }
        }
    }

    // w: [cols, kc] rows ldw apart; dst: [⌈cols/Nr⌉, kc, Nr]
    /// <summary>Packs rows of an nn.Linear-layout block as <see cref="MultiplyBlock"/>'s B (see <see cref="GemmPacking.PackTransposed"/>).</summary>
    public static void PackTransposed(float* w, nint ldw, int cols, int kc, float* dst)
    {
        if (Use512 && GemmPackingAvx512.IsSupported) GemmPackingAvx512.PackTransposed48(w, ldw, cols, kc, LastWidthOf(cols), dst);
        else GemmPacking.PackTransposed(w, ldw, cols, kc, Nr, LastWidthOf(cols), dst);
    }

    // v: [kc, cols] rows ldv apart; dst: [⌈cols/Nr⌉, kc, Nr]
    /// <summary>Packs a row-major [k, n] block as <see cref="MultiplyBlock"/>'s B (see <see cref="GemmPacking.PackRows"/>).</summary>
    public static void PackRows(float* v, nint ldv, int cols, int kc, float* dst)
    {
        GemmPacking.PackRows(v, ldv, cols, kc, Nr, LastWidthOf(cols), dst);
    }

    // a: [m, kc] rows lda apart; packed: ⌈n/Nr⌉ panels [kc, Nr] (the last [kc, LastPanelWidth]); c: [m, n] rows ldc apart; bias: [n] or null
    /// <summary>
    /// c (=|+=) a · B (+ bias), then the activation, with B packed by <see cref="GemmPacking"/>. accumulate adds to c
    /// (bias ignored); otherwise c is overwritten. edge: <see cref="EdgeScratchLength"/>(kc) floats for partial tiles.
    /// </summary>
    public static void MultiplyBlock(float* a, nint lda, int m, float* packed, int kc, int n, float* c, nint ldc,
        float* bias, bool accumulate, GemmActivation activation, float* edge)
        => MultiplyPanels(a, lda, m, packed, (nint)kc * Nr, LastPanelWidth(n - (n - 1) / Nr * Nr), kc, n, c, ldc, bias, accumulate, activation, edge);

    /// <summary>
    /// <see cref="MultiplyBlock"/> over panels panelStride floats apart whose last one is lastWidth wide (e.g. kc-slices of weights pre-packed at
    /// load, <see cref="GemmPrepacked"/>).
    /// </summary>
    public static void MultiplyPanels(float* a, nint lda, int m, float* packed, nint panelStride, int lastWidth, int kc, int n,
        float* c, nint ldc, float* bias, bool accumulate, GemmActivation activation, float* edge)
    {
        int mr = Mr, nr = Nr;
        float* aTail = edge, tile = aTail + mr * kc, biasTile = tile + mr * nr;
        int mFull = m - m % mr;
        if (mFull < m)
        {
            // Why a copy: the micro-kernel always reads mr rows; the missing rows of the last tile read zeros.
            new Span<float>(aTail, mr * kc).Clear();
            Copy(a + mFull * lda, lda, aTail, kc, m - mFull, kc);
        }
        int panels = (n + nr - 1) / nr;
        for (int ic = 0; ic < m; ic += Mc)
        {
            int i1 = Math.Min(m, ic + Mc);
            for (int p = 0; p < panels; p++)
            {
                int jc = p * nr, cols = Math.Min(nr, n - jc), width = p == panels - 1 ? lastWidth : nr;
                float* panel = packed + p * panelStride;
                float* tileBias = bias == null ? null : bias + jc;
                if (tileBias != null && cols < width)
                {
                    new Span<float>(biasTile, width).Clear();
                    new ReadOnlySpan<float>(tileBias, cols).CopyTo(new Span<float>(biasTile, width));
                    tileBias = biasTile;
                }
                for (int i = ic; i < i1; i += mr)
                {
                    int rows = Math.Min(mr, m - i);
                    float* ai = rows == mr ? a + i * lda : aTail;
                    Tile(ai, rows == mr ? lda : kc, panel, width, kc, c + i * ldc + jc, ldc, rows, cols, tileBias, accumulate, activation, tile);
                }
            }
        }
    }

    // One micro-kernel call for rows × cols of c; partial tiles go through a full-size tile buffer.
    private static void Tile(float* a, nint lda, float* panel, int width, int kc, float* c, nint ldc, int rows, int cols,
        float* bias, bool accumulate, GemmActivation activation, float* tile)
    {
        bool full = rows == Mr && cols == width;
        float* target = full ? c : tile;
        nint ldt = full ? ldc : width;
        if (!full && accumulate) Copy(c, ldc, tile, width, rows, cols);
        if (!Use512) GemmMicroKernels.KernelPortable(a, lda, panel, kc, target, ldt, bias, accumulate);
        else if (width == 48) GemmMicroKernels.Kernel8x48(a, lda, panel, kc, target, ldt, bias, accumulate);
        else if (width == 32) GemmMicroKernels.Kernel8x32(a, lda, panel, kc, target, ldt, bias, accumulate);
        else GemmMicroKernels.Kernel8x16(a, lda, panel, kc, target, ldt, bias, accumulate);
        if (!full) Copy(tile, width, c, ldc, rows, cols);
        Gemm.Activate(activation, c, ldc, rows, cols);
    }

    private static void Copy(float* src, nint lds, float* dst, nint ldd, int rows, int cols)
    {
        for (int r = 0; r < rows; r++) new ReadOnlySpan<float>(src + r * lds, cols).CopyTo(new Span<float>(dst + r * ldd, cols));
    }

    private static float[] Scratch()
    {
        int length = Kc * Nr * PanelsPerTaskMax + EdgeScratchLength(Kc) + 16;
        var s = t_scratch;
        if (s == null || s.Length < length) t_scratch = s = GC.AllocateUninitializedArray<float>(length, pinned: true);
        return s;
    }
}
