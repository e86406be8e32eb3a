using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bert.Kernels;

/// <summary>
/// y = act(x · wᵀ + b) for a bfloat16 <see cref="LinearWeight"/>, pre-packed at load into panels of 48 output channels
/// ([k, 48] bfloat16 each, <see cref="PackedLength"/>): the micro-kernel streams 2 bytes per weight and widens them
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
    /// <summary>Output channels per packed panel.</summary>
    public const int PanelWidth = 48;

    private const int Mr = 8;

    [ThreadStatic] private static float[]? t_rows;

    /// <summary>Packed elements for an [n, k] weight: ⌈n/48⌉ panels of k × 48.</summary>
    public static int PackedLength(int n, int k) => checked((n + PanelWidth - 1) / PanelWidth * k * PanelWidth);

    /// <summary>Element offset of w[j, p] in the packed layout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PackedIndex(int j, int p, int k) => (j / PanelWidth) * k * PanelWidth + p * PanelWidth + j % PanelWidth;

    // bits: [n, k] row-major bfloat16; packed: PackedLength(n, k)
    /// <summary>Lays out bfloat16 rows as panels (padding channels zero).</summary>
    public static void Pack(ReadOnlySpan<ushort> bits, int n, int k, Span<ushort> packed)
    {
        packed.Clear();
        for (int j = 0; j < n; j++) PackRow(bits.Slice(j * k, k), j, k, packed);
    }

    // row: [k] bfloat16 of channel j; packed: PackedLength(n, k)
    /// <summary>Writes channel j's weights into the packed layout.</summary>
    public static void PackRow(ReadOnlySpan<ushort> row, int j, int k, Span<ushort> packed)
    {
        int baseIndex = PackedIndex(j, 0, k);
        for (int p = 0; p < k; p++) packed[baseIndex + p * PanelWidth] = row[p];
    }

    // packed: PackedLength(n, k); bits: [n, k]
    /// <summary>The inverse of <see cref="Pack"/>.</summary>
    public static void Unpack(ReadOnlySpan<ushort> packed, int n, int k, Span<ushort> bits)
    {
        for (int j = 0; j < n; j++)
        {
            int baseIndex = PackedIndex(j, 0, k);
            for (int p = 0; p < k; p++) bits[j * k + p] = packed[baseIndex + p * PanelWidth];
        }
    }

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
        if (Use512) Kernel8x48(a, lda, b, k, c, ldc, bias);
        else KernelScalar(a, lda, b, k, c, ldc, bias);
    }

    // a: [8, k] rows lda apart; b: panel [k, 48] bfloat16; c: [8, 48] rows ldc apart; bias: [48] or null
    /// <summary>AVX-512 8×48 tile: c = bias + a · widen(b), FMAs in order of p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel8x48(float* a, nint lda, ushort* b, int k, float* c, nint ldc, float* bias)
    {
        Vector512<float> z0 = Vector512<float>.Zero, z1 = z0, z2 = z0;
        if (bias != null) { z0 = Vector512.Load(bias); z1 = Vector512.Load(bias + 16); z2 = Vector512.Load(bias + 32); }
        Vector512<float> c00 = z0, c01 = z1, c02 = z2, c10 = z0, c11 = z1, c12 = z2, c20 = z0, c21 = z1, c22 = z2, c30 = z0, c31 = z1, c32 = z2,
                         c40 = z0, c41 = z1, c42 = z2, c50 = z0, c51 = z1, c52 = z2, c60 = z0, c61 = z1, c62 = z2, c70 = z0, c71 = z1, c72 = z2;
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* a4 = a + 4 * lda, a5 = a + 5 * lda, a6 = a + 6 * lda, a7 = a + 7 * lda;
        for (nint p = 0; p < k; p++, b += PanelWidth)
        {
            var b0 = BFloat16.LoadWidened512(b);
            var b1 = BFloat16.LoadWidened512(b + 16);
            var b2 = BFloat16.LoadWidened512(b + 32);
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

    // Same contract as Kernel8x48.
    /// <summary>Portable tile: scalar FMAs in the same order (CPUs without AVX-512; exact, slow).</summary>
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
