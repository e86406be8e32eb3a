using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bert.Kernels;

/// <summary>
/// F32 GEMM on weights packed once at load into panels of 48 output channels (<see cref="PanelLayout"/>;
/// <see cref="LinearWeightFormat.Float32Packed"/>): the register-tiled 8×48 micro-kernel reads them in place, for
/// every m. No per-call packing (it cost 10–30 % of the F32 GEMM), and at small m each panel is one sequential stream
/// from memory instead of several interleaved rows.
/// </summary>
/// <remarks>
/// <para>Blocking as in <see cref="GemmPacked"/>: a task owns up to 4 panels; per slice of ≤ 256 steps of k it sweeps
/// all rows of x over them, so a 48 KiB panel slice stays in L1/L2 while x streams from L2. Up to 64 rows a task
/// runs its panels one by one instead (see <see cref="FewRows"/>).</para>
/// <para>Each output is bias + Σ_p x[i, p]·w[j, p] accumulated by FMAs in order of p, as <see cref="GemmPacked"/> does:
/// the two are bit-identical, and a row's result does not depend on m or on the other rows.</para>
/// </remarks>
internal static unsafe class GemmPrepacked
{
    private const int PanelWidth = PanelLayout.Width;

    private const int Kc = 256;
    private const int PanelsPerTaskMax = 4;

    /// <summary>
    /// Up to this many rows (where reading the weights from memory is the bound) a task runs its panels one by one,
    /// each over its k-slices in order: one sequential stream per panel, each slice reused by every row tile from L1/L2.
    /// </summary>
    /// <remarks>Measured against whole-depth sweeps and against the row-block order at 1×8 and 1×32: within noise (±10 %).</remarks>
    private const int FewRows = 64;

    /// <summary>
    /// Rows of y finished over the whole depth before the next ones start (above <see cref="FewRows"/>): the
    /// block of y (≤ 240 × 192 floats, 180 KiB) stays in L2 across the k-slices, where a sweep of all rows per slice
    /// re-read y from memory once it outgrew the L3 (m in the thousands; measured ~5 % faster at 4,398 rows).
    /// </summary>
    private const int RowBlock = 240;

    [ThreadStatic] private static float[]? t_edge;

    /// <summary>Whether the packed micro-kernel runs here (AVX-512); elsewhere <see cref="Run"/> falls back to scalar FMAs.</summary>
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    // w: [rows, k] (nn.Linear layout) = channels first..first+rows−1 of the packed weight; packed: PackedLength(n, k)
    /// <summary>
    /// Writes rows of w as channels [first, first + rows) of the packed layout. Whole groups of 16 channels that start
    /// on a multiple of 16 go through 16×16 register transposes; the rest element by element. Padding is not touched.
    /// </summary>
    public static void Pack(ReadOnlySpan<float> w, int rows, int k, int first, Span<float> packed)
    {
        if (w.Length < (long)rows * k) throw new ArgumentException($"w has {w.Length} elements, expected {rows}×{k}.", nameof(w));
        if (packed.Length < PanelLayout.PackedLength(first + rows, k)) throw new ArgumentException("packed is too short.", nameof(packed));
        fixed (float* pw = w, pp = packed)
        {
            int r = 0;
            if (GemmPackingAvx512.IsSupported)
            {
                // Channels up to the next multiple of 16 one by one, then whole 16-groups by transposes.
                for (; r < rows && (first + r) % 16 != 0; r++) PanelLayout.PackRow(w.Slice(r * k, k), first + r, k, packed);
                int k16 = k & ~15;
                for (; r + 16 <= rows; r += 16)
                {
                    int j = first + r;
                    float* dst = pp + PanelLayout.Index(j, 0, k);
                    float* src = pw + (nint)r * k;
                    for (int q = 0; q < k16; q += 16) GemmPackingAvx512.Transpose16x16(src + q, k, dst + (nint)q * PanelWidth, PanelWidth);
                    for (int c = 0; c < 16; c++)
                        for (int q = k16; q < k; q++) dst[(nint)q * PanelWidth + c] = src[(nint)c * k + q];
                }
            }
            for (; r < rows; r++) PanelLayout.PackRow(w.Slice(r * k, k), first + r, k, packed);
        }
    }

    // x: [m, k]; w: packed [n, k]; y: [m, n]
    /// <summary>Runs the GEMM (arguments already validated by <see cref="Gemm.Linear(ReadOnlySpan{float}, LinearWeight, int, Span{float}, GemmActivation)"/>).</summary>
    public static void Run(float* x, LinearWeight w, int m, float* y, GemmActivation activation)
    {
        fixed (float* pw = w.WeightPacked.Span, pb = w.Bias.Span)
        {
            var job = new GemmJob
            {
                X = x, W = pw, Bias = w.Bias.IsEmpty ? null : pb, Y = y, M = m, K = w.InFeatures, N = w.OutFeatures, Activation = activation,
            };
            int panels = (job.N + PanelWidth - 1) / PanelWidth;
            // Why ~4 tasks per thread: the two cores are shared, so dynamic balancing needs a few tasks to move around.
            job.ColumnsPerTask = Math.Clamp(panels / (4 * KernelThreads.Concurrency), 1, PanelsPerTaskMax) * PanelWidth;
            if (IsAccelerated) KernelThreads.Run(&Task, &job, job.TaskCount);
            else KernelThreads.Run(&ScalarTask, &job, job.TaskCount);
        }
    }

    private static void Task(void* context, int t, int slot)
    {
        ref readonly GemmJob job = ref *(GemmJob*)context;
        var (j0, j1) = job.Columns(t);
        int k = job.K, m = job.M;
        fixed (float* edge = Edge(Kc))
        {
            float* panels = job.W + (nint)(j0 / PanelWidth) * k * PanelWidth;
            if (m <= FewRows)
            {
                // Panel by panel, its k-slices in order: each panel is one sequential stream from memory, and each
                // slice serves every row tile from L1/L2.
                for (int j = j0; j < j1; j += PanelWidth, panels += (nint)k * PanelWidth)
                    Slices(job, job.X, m, panels, Math.Min(PanelWidth, j1 - j), job.Y + j, job.Bias == null ? null : job.Bias + j, edge);
                return;
            }
            for (int i0 = 0; i0 < m; i0 += RowBlock)
            {
                int rows = Math.Min(RowBlock, m - i0);
                Slices(job, job.X + (nint)i0 * k, rows, panels, j1 - j0, job.Y + (nint)i0 * job.N + j0, job.Bias == null ? null : job.Bias + j0, edge);
            }
        }
    }

    // y[rows, cols] = x[rows, k] · (panels)ᵀ + bias over the k-slices in order, the activation after the last.
    private static void Slices(in GemmJob job, float* x, int rows, float* panels, int cols, float* y, float* bias, float* edge)
    {
        int k = job.K;
        for (int pc = 0; pc < k; pc += Kc)
        {
            int kc = Math.Min(Kc, k - pc);
            bool first = pc == 0, last = pc + kc == k;
            GemmPacked.MultiplyPanels(x + pc, k, rows, panels + (nint)pc * PanelWidth, (nint)k * PanelWidth, PanelWidth, kc,
                cols, y, job.N, first ? bias : null, !first, last ? job.Activation : GemmActivation.None, edge);
        }
    }

    // Without AVX-512: the same sums with scalar FMAs in order of p (exact, slow; the loader packs only where accelerated).
    private static void ScalarTask(void* context, int t, int slot)
    {
        ref readonly GemmJob job = ref *(GemmJob*)context;
        var (j0, j1) = job.Columns(t);
        int k = job.K;
        for (int i = 0; i < job.M; i++)
        {
            float* xi = job.X + (nint)i * k;
            for (int j = j0; j < j1; j++)
            {
                float* wj = job.W + PanelLayout.Index(j, 0, k);
                float s = job.Bias == null ? 0 : job.Bias[j];
                for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(xi[p], wj[(nint)p * PanelWidth], s);
                job.Y[(nint)i * job.N + j] = s;
            }
        }
        Gemm.Activate(job.Activation, job.Y + j0, job.N, job.M, j1 - j0);
    }

    private static float[] Edge(int depth)
    {
        int length = GemmPacked.EdgeScratchLength(depth);
        var s = t_edge;
        if (s == null || s.Length < length) t_edge = s = GC.AllocateUninitializedArray<float>(length, pinned: true);
        return s;
    }
}
