using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bert.Kernels;

/// <summary>
/// y = act(dequant(q(x) · qwᵀ) + b) for an int8 <see cref="LinearWeight"/>: the rows of x are quantized per row to int16
/// (<see cref="Int8Quantization.QuantizeRows"/>), products are summed exactly in int32, and the epilogue writes
/// y[i, j] = float(acc[i, j]) · (sx[i] · sw[j]) + b[j], then the fused activation.
/// </summary>
/// <remarks>
/// <para>Why int16 pairs and vpmaddwd rather than vpmaddubsw: vpmaddubsw multiplies u8 by s8 and adds pairs with
/// int16 saturation (255·127·2 &gt; 32767), so exact results would need 7-bit activations; sign-extending the weights
/// to int16 as they stream in (vpmovsxbw) makes vpmaddwd's int32 pair sums exact, at the same 32 multiply-adds per
/// instruction that vpmaddubsw + vpmaddwd would give, and lets the activations use up to 15 bits
/// (<see cref="Int8Quantization.ActivationLevels"/>), which real BERT activations with outlier channels need. VNNI (vpdpwssd) would fuse the add, but
/// .NET 10 exposes it only as the 256-bit AvxVnni (no 512-bit form; Avx10v2 is future hardware), which this CPU
/// (Zen 4, EVEX-only VNNI) and runtime report unsupported: a path that no machine here can run would ship untested, so
/// there is none.</para>
/// <para>One strategy for every m: the weight is pre-packed at load (<see cref="Int8Quantization"/>), so each task
/// streams its panels once from memory and sweeps all 8-row tiles of x over each panel while it is in L2.</para>
/// </remarks>
internal static unsafe class GemmInt8
{
    /// <summary>Rows of a tile.</summary>
    public const int Mr = 8;

    private const int Nr = Int8Quantization.PanelWidth;

    [ThreadStatic] private static short[]? t_xq;
    [ThreadStatic] private static float[]? t_xScales;

    /// <summary>Whether the AVX-512 tile runs here (else a scalar loop over the same packed layout).</summary>
    public static bool UseAvx512 => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated;

    // x: [m, k]; w: int8 [n, k] packed; y: [m, n]
    /// <summary>Runs the int8 GEMM (arguments already validated by <see cref="Gemm.Linear(ReadOnlySpan{float}, LinearWeight, int, Span{float}, GemmActivation)"/>).</summary>
    public static void Run(float* x, LinearWeight w, int m, float* y, GemmActivation activation)
    {
        int k = w.InFeatures, n = w.OutFeatures, kp = 2 * Int8Quantization.KPairs(k);
        int mPadded = (m + Mr - 1) / Mr * Mr;
        var xq = Buffer(ref t_xq, (long)mPadded * kp);
        var xs = Buffer(ref t_xScales, mPadded);
        fixed (short* pxq = xq)
        fixed (float* pxs = xs)
        fixed (sbyte* pw = w.WeightInt8.Span)
        fixed (float* psw = w.Scales.Span, pb = w.Bias.Span)
        {
            Int8Quantization.QuantizeRows(x, m, k, pxq, pxs);
            // Rows m..mPadded−1 read by the last tile must be zero (their outputs are discarded, but stay finite).
            new Span<short>(pxq + (nint)m * kp, (mPadded - m) * kp).Clear();
            var job = new GemmInt8Job
            {
                Xq = pxq, XScales = pxs, W = pw, WScales = psw, Bias = w.Bias.IsEmpty ? null : pb, Y = y,
                M = m, K = k, N = n, Activation = activation,
            };
            int panels = Int8Quantization.Panels(n), threads = KernelThreads.Concurrency;
            // Why ~4 tasks per thread: the cores are shared, so dynamic balancing needs a few tasks to move around.
            job.PanelsPerTask = Math.Max(1, panels / (4 * threads));
            KernelThreads.Run(&Task, &job, (panels + job.PanelsPerTask - 1) / job.PanelsPerTask);
        }
    }

    private static T[] Buffer<T>(ref T[]? buffer, long length) where T : unmanaged
    {
        if (buffer == null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<T>(checked((int)length), pinned: true);
        return buffer;
    }

    private static void Task(void* context, int t, int slot)
    {
        ref readonly GemmInt8Job job = ref *(GemmInt8Job*)context;
        int panels = Int8Quantization.Panels(job.N), kPairs = Int8Quantization.KPairs(job.K), kp = 2 * kPairs;
        int p0 = t * job.PanelsPerTask, p1 = Math.Min(panels, p0 + job.PanelsPerTask);
        int* acc = stackalloc int[Mr * Nr];
        for (int p = p0; p < p1; p++)
        {
            sbyte* panel = job.W + (nint)p * kPairs * Int8Quantization.PairStride;
            int j0 = p * Nr, cols = Math.Min(Nr, job.N - j0);
            for (int i = 0; i < job.M; i += Mr)
            {
                short* a = job.Xq + (nint)i * kp;
                if (UseAvx512) GemmInt8Kernels.Kernel8x48(a, kp, panel, kPairs, acc);
                else GemmInt8Kernels.KernelScalar(a, kp, panel, kPairs, acc);
                int rows = Math.Min(Mr, job.M - i);
                Epilogue(acc, rows, cols, job.XScales + i, job.WScales + j0, job.Bias == null ? null : job.Bias + j0, job.Y + (nint)i * job.N + j0, job.N);
                Gemm.Activate(job.Activation, job.Y + (nint)i * job.N + j0, job.N, rows, cols);
            }
        }
    }

    // acc: [8, 48] int32; y[r, c] = float(acc[r, c]) · (xs[r] · ws[c]) + bias[c] for r < rows, c < cols
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Epilogue(int* acc, int rows, int cols, float* xs, float* ws, float* bias, float* y, nint ldy)
    {
        if (cols == Nr && Vector512.IsHardwareAccelerated)
        {
            var w0 = Vector512.Load(ws); var w1 = Vector512.Load(ws + 16); var w2 = Vector512.Load(ws + 32);
            for (int r = 0; r < rows; r++)
            {
                var s = Vector512.Create(xs[r]);
                int* a = acc + r * Nr;
                float* o = y + r * ldy;
                var y0 = Vector512.ConvertToSingle(Vector512.Load(a)) * (s * w0);
                var y1 = Vector512.ConvertToSingle(Vector512.Load(a + 16)) * (s * w1);
                var y2 = Vector512.ConvertToSingle(Vector512.Load(a + 32)) * (s * w2);
                if (bias != null) { y0 += Vector512.Load(bias); y1 += Vector512.Load(bias + 16); y2 += Vector512.Load(bias + 32); }
                y0.Store(o); y1.Store(o + 16); y2.Store(o + 32);
            }
            return;
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                float v = acc[r * Nr + c] * (xs[r] * ws[c]);
                y[r * ldy + c] = bias == null ? v : v + bias[c];
            }
    }
}

/// <summary>The arguments of one int8 GEMM as the worker tasks see them (lives on the caller's stack).</summary>
internal unsafe struct GemmInt8Job
{
    public short* Xq;
    public float* XScales, WScales, Bias, Y;
    public sbyte* W;
    public int M, K, N, PanelsPerTask;
    public GemmActivation Activation;
}
