using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bert.Kernels;

/// <summary>
/// y = act(x · wᵀ + b) for a bfloat16 <see cref="LinearWeight"/>, pre-packed at load into panels of 48 output channels
/// ([k, 48] bfloat16 each, <see cref="PanelLayout"/>): the micro-kernel streams 2 bytes per weight and widens them
/// to F32 in registers (vpmovzxwd + shift), so all arithmetic is F32 FMAs.
/// </summary>
/// <remarks>
/// <para>One strategy for every m, as for int8: no per-call packing, and at m = 8 each weight is read once, in order,
/// straight into an 8×48 register tile (the F32 streaming path needs horizontal sums and a second pass).</para>
/// <para>Each output is bias + Σ_p x[i, p]·w[j, p] accumulated by FMAs in order of p, exactly as the F32 packed GEMM
/// (<see cref="GemmPacked"/>) does, so a bfloat16 layer equals the F32 packed GEMM on the widened weights bit for bit;
/// the portable fallback (no AVX-512) keeps that order with scalar FMAs: exact on every ISA, but slow.</para>
/// </remarks>
internal static unsafe class GemmBFloat16
{
    private const int PanelWidth = PanelLayout.Width;

    private const int Mr = 8;

    [ThreadStatic] private static float[]? t_rows;

    /// <summary>Whether the AVX-512 tile runs here.</summary>
    private static bool Use512 => Vector512.IsHardwareAccelerated;

    // x: [m, k]; w: bfloat16 [n, k] packed; y: [m, n]
    /// <summary>Runs the GEMM (arguments already validated by <see cref="Gemm.Linear(ReadOnlySpan{float}, LinearWeight, int, Span{float}, GemmActivation)"/>).</summary>
    public static void Run(float* x, LinearWeight w, int m, float* y, GemmActivation activation)
    {
        fixed (ushort* pw = w.WeightBFloat16.Span)
        fixed (float* pb = w.Bias.Span)
        {
            var job = new GemmJob
            {
                X = x, WBFloat16 = pw, Bias = w.Bias.IsEmpty ? null : pb, Y = y, M = m, K = w.InFeatures, N = w.OutFeatures, Activation = activation,
            };
            int panels = (job.N + PanelWidth - 1) / PanelWidth;
            // Why ~4 tasks per thread: the cores are shared, so dynamic balancing needs a few tasks to move around.
            job.ColumnsPerTask = Math.Max(1, panels / (4 * KernelThreads.Concurrency)) * PanelWidth;
            KernelThreads.Run(&Task, &job, job.TaskCount);
        }
    }

    private static void Task(void* context, int t, int slot)
    {
        ref readonly GemmJob job = ref *(GemmJob*)context;
        var (j0, j1) = job.Columns(t);
        int k = job.K, m = job.M;
        float* tile = stackalloc float[Mr * PanelWidth];
        float* bias = stackalloc float[PanelWidth];
        var rows = t_rows;
        if (rows == null || rows.Length < Mr * k) t_rows = rows = GC.AllocateUninitializedArray<float>(Mr * k, pinned: true);
        fixed (float* aTail = rows)
        {
            int mFull = m - m % Mr;
            if (mFull < m)
            {
                // The kernel always reads 8 rows: the last partial tile reads a zero-padded copy.
                new Span<float>(aTail, Mr * k).Clear();
                for (int r = mFull; r < m; r++) new ReadOnlySpan<float>(job.X + (nint)r * k, k).CopyTo(new Span<float>(aTail + (nint)(r - mFull) * k, k));
            }
            for (int j = j0; j < j1; j += PanelWidth)
            {
                int cols = Math.Min(PanelWidth, job.N - j);
                ushort* panel = job.WBFloat16 + (nint)(j / PanelWidth) * k * PanelWidth;
                float* b = null;
                if (job.Bias != null)
                {
                    new Span<float>(bias, PanelWidth).Clear();
                    new ReadOnlySpan<float>(job.Bias + j, cols).CopyTo(new Span<float>(bias, PanelWidth));
                    b = bias;
                }
                for (int i = 0; i < m; i += Mr)
                {
                    int r = Math.Min(Mr, m - i);
                    float* a = r == Mr ? job.X + (nint)i * k : aTail;
                    float* yTile = job.Y + (nint)i * job.N + j;
                    bool direct = r == Mr && cols == PanelWidth;
                    Kernel(a, k, panel, k, direct ? yTile : tile, direct ? job.N : PanelWidth, b);
                    if (!direct)
                        for (int q = 0; q < r; q++) new ReadOnlySpan<float>(tile + q * PanelWidth, cols).CopyTo(new Span<float>(yTile + (nint)q * job.N, cols));
                    Gemm.Activate(job.Activation, yTile, job.N, r, cols);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(float* a, nint lda, ushort* b, int k, float* c, nint ldc, float* bias)
    {
        if (Use512) GemmMicroKernels.Kernel8x48<ushort, BFloat16Panel>(a, lda, b, k, c, ldc, bias, accumulate: false);
        else KernelScalar(a, lda, b, k, c, ldc, bias);
    }

    // a: [8, k] rows lda apart; b: panel [k, 48] bfloat16; c: [8, 48] rows ldc apart; bias: [48] or null
    /// <summary>Portable tile: c = bias + a · widen(b) with scalar FMAs in order of p, as the AVX-512 tile (exact, slow).</summary>
    public static void KernelScalar(float* a, nint lda, ushort* b, int k, float* c, nint ldc, float* bias)
    {
        for (int r = 0; r < Mr; r++)
            for (int j = 0; j < PanelWidth; j++)
            {
                float s = bias == null ? 0 : bias[j];
                for (int p = 0; p < k; p++) s = MathF.FusedMultiplyAdd(a[r * lda + p], BFloat16.Widen(b[p * PanelWidth + j]), s);
                c[r * ldc + j] = s;
            }
    }
}
