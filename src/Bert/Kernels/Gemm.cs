using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bert.Kernels;

/// <summary>What <see cref="Gemm.Linear(ReadOnlySpan{float}, LinearWeight, int, Span{float}, GemmActivation)"/> applies to y after x·wᵀ + b.</summary>
internal enum GemmActivation
{
    /// <summary>y = x·wᵀ + b.</summary>
    None,

    /// <summary>y = gelu(x·wᵀ + b), exact erf GELU (HF "gelu").</summary>
    Gelu,

    /// <summary>y = gelu_tanh(x·wᵀ + b) (HF "gelu_new", "gelu_pytorch_tanh").</summary>
    GeluTanh,

    /// <summary>y = max(x·wᵀ + b, 0).</summary>
    Relu,

    /// <summary>y = tanh(x·wᵀ + b) (the pooler).</summary>
    Tanh,
}

/// <summary>Matrix multiplication for <c>nn.Linear</c> layers, with F32, bfloat16 or int8 weights (<see cref="LinearWeightFormat"/>).</summary>
/// <remarks>
/// bfloat16 weights run <see cref="GemmBFloat16"/> (pre-packed, widened to F32 in the micro-kernel), int8 weights the
/// integer GEMM (<see cref="GemmInt8"/>), F32 weights packed at load (the encoder's, on AVX-512) <see cref="GemmPrepacked"/>;
/// for F32 weights used in place ([out, in] views, e.g. heads, or any layer without AVX-512):
/// Two strategies, both split over columns of y across <see cref="KernelThreads"/>:
/// m ≤ <see cref="SmallM"/> streams w straight from its [out, in] layout with 4×4 dot-product tiles
/// (<see cref="GemmSmallM"/>): at seq 8 reading w is the bound, and up to 64 rows it measured faster than packing;
/// larger m packs panels of w per call into a per-thread buffer (O(k·n) work against O(m·k·n) FMAs) for the
/// register-tiled micro-kernel (<see cref="GemmPacked"/>).
/// </remarks>
internal static unsafe class Gemm
{
    /// <summary>Largest m handled by the streaming dot-product path (measured: 80–95 vs 44–80 GFLOP/s packed for m = 17..64).</summary>
    public const int SmallM = 64;

    // x: [m, k], w: [n, k] (+ bias [n]), y: [m, n]
    /// <summary>y = x · wᵀ + b for m rows of x.</summary>
    /// <exception cref="ArgumentException">x or y is shorter than m rows.</exception>
    public static void Linear(ReadOnlySpan<float> x, LinearWeight w, int m, Span<float> y) => Linear(x, w, m, y, GemmActivation.None);

    // x: [m, k], w: [n, k] (+ bias [n]), y: [m, n]
    /// <summary>y = activation(x · wᵀ + b) for m rows of x: the activation is fused into the GEMM while y is in cache.</summary>
    /// <exception cref="ArgumentException">x or y is shorter than m rows.</exception>
    public static void Linear(ReadOnlySpan<float> x, LinearWeight w, int m, Span<float> y, GemmActivation activation)
    {
        int k = w.InFeatures, n = w.OutFeatures;
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        if (x.Length < (long)m * k) throw new ArgumentException($"x has {x.Length} elements, expected at least {m}×{k}.", nameof(x));
        if (y.Length < (long)m * n) throw new ArgumentException($"y has {y.Length} elements, expected at least {m}×{n}.", nameof(y));
        if (m == 0) return;
        fixed (float* px = x, pw = w.Weight.Span, pb = w.Bias.Span, py = y)
        {
            switch (w.Format)
            {
                case LinearWeightFormat.Int8: GemmInt8.Run(px, w, m, py, activation); return;
                case LinearWeightFormat.BFloat16: GemmBFloat16.Run(px, w, m, py, activation); return;
                case LinearWeightFormat.Float32Packed: GemmPrepacked.Run(px, w, m, py, activation); return;
            }
            var job = new GemmJob { X = px, W = pw, Bias = w.Bias.IsEmpty ? null : pb, Y = py, M = m, K = k, N = n, Activation = activation };
            if (m <= SmallM) GemmSmallM.Run(ref job);
            else GemmPacked.Run(ref job);
        }
    }

    /// <summary>Applies the fused activation to rows × cols of y (row stride ldy) in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Activate(GemmActivation activation, float* y, nint ldy, int rows, int cols)
    {
        if (activation == GemmActivation.None) return;
        for (int r = 0; r < rows; r++)
        {
            var row = new Span<float>(y + r * ldy, cols);
            switch (activation)
            {
                case GemmActivation.Gelu: Activations.Gelu(row, row); break;
                case GemmActivation.GeluTanh: Activations.GeluTanh(row, row); break;
                case GemmActivation.Relu: Activations.Relu(row, row); break;
                case GemmActivation.Tanh: Activations.Tanh(row, row); break;
            }
        }
    }
}

/// <summary>The arguments of one GEMM call as the worker tasks see them (lives on the caller's stack).</summary>
internal unsafe struct GemmJob
{
    public float* X, W, Bias, Y;
    public ushort* WBFloat16; // GemmBFloat16's packed weight (W unused there)
    public int M, K, N;
    public int ColumnsPerTask;
    public GemmActivation Activation;

    /// <summary>The [start, end) columns of y that task t computes.</summary>
    public readonly (int Start, int End) Columns(int t) => (t * ColumnsPerTask, Math.Min(N, (t + 1) * ColumnsPerTask));

    /// <summary>Tasks for ColumnsPerTask.</summary>
    public readonly int TaskCount => (N + ColumnsPerTask - 1) / ColumnsPerTask;
}
