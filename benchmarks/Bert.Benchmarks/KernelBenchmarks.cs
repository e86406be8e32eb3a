using BenchmarkDotNet.Attributes;
using Bert.Kernels;
using Bert.Kernels.Reference;

namespace Bert.Benchmarks;

/// <summary>
/// Gemm.Linear (F32, bfloat16 and int8 weights) vs the measured FMA peak and the naive twin at BERT-Base shapes: the
/// attention projections (n = 768), fused QKV (n = 2304), the FFN (n = 3072 and k = 3072) at seq 128 and 512, and the
/// memory-bound seq 8 case. GFLOP/s = 2·m·k·n / time; Ratio to FmaPeakSameFlops = 1 / efficiency.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project benchmarks/Bert.Benchmarks -- --filter '*GemmBenchmarks*' --job short</c>.</remarks>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _x = [], _y = [], _w = [], _b = [];
    private LinearWeight _weight = null!, _packed = null!, _bf16 = null!, _int8 = null!;

    /// <summary>(m, k, n) of y[m, n] = x[m, k] · w[n, k]ᵀ + b.</summary>
    [Params("128x768x768", "128x768x2304", "128x768x3072", "128x3072x768", "512x768x2304", "8x768x3072", "8x3072x768", "32x768x3072")]
    public string Shape { get; set; } = "128x768x768";

    private (int M, int K, int N) _dims;

    /// <summary>Random operands.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var d = Shape.Split('x').Select(int.Parse).ToArray();
        var (m, k, n) = _dims = (d[0], d[1], d[2]);
        var rng = new Random(1);
        float[] R(int len) => [.. Enumerable.Range(0, len).Select(_ => (float)(rng.NextDouble() - 0.5))];
        (_x, _w, _b, _y) = (R(m * k), R(n * k), R(n), new float[m * n]);
        _weight = LinearWeight.Create(_w, _b, n, k);
        _packed = LinearWeight.PackFloat32(_weight);
        _bf16 = _weight.ToBFloat16();
        _int8 = _weight.ToInt8();
    }

    /// <summary>
    /// The measured limit: Vector512 FMAs on the kernel threads, no memory traffic, exactly 2·m·k·n FLOPs. The baseline,
    /// so the Ratio column of <see cref="Fast"/> is 1 / (fraction of the FMA peak the GEMM reaches), from the same run.
    /// </summary>
    [Benchmark(Baseline = true)]
    public void FmaPeakSameFlops() => FmaPeak.Run(2L * _dims.M * _dims.K * _dims.N);

    /// <summary>The blocked, vectorized, multithreaded GEMM on an [out, in] view (weights packed per call).</summary>
    [Benchmark]
    public void Fast() => Gemm.Linear(_x, _weight, _dims.M, _y);

    /// <summary>The same GEMM on weights packed once at load, as the encoder keeps them on AVX-512.</summary>
    [Benchmark]
    public void FastPacked() => Gemm.Linear(_x, _packed, _dims.M, _y);

    /// <summary>The same GEMM with bfloat16 weights (F32 arithmetic).</summary>
    [Benchmark]
    public void BFloat16() => Gemm.Linear(_x, _bf16, _dims.M, _y);

    /// <summary>The int8 GEMM (per-row activation quantization included).</summary>
    [Benchmark]
    public void Int8() => Gemm.Linear(_x, _int8, _dims.M, _y);

    /// <summary>The scalar double-accumulating twin.</summary>
    [Benchmark]
    public void Naive()
    {
        var (m, k, n) = _dims;
        NaiveKernels.Linear(_x, _w, _b, m, k, n, _y);
    }
}

/// <summary>
/// Element-wise and row kernels vs their twins at BERT-Base sizes (odd lengths so the vector tails are timed):
/// GELU over one FFN activation [128, 3072] + 7, softmax over 12·128 rows of 128, LayerNorm over [128, 768],
/// attention at batch 1, seq 128, 12 heads of 64.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project benchmarks/Bert.Benchmarks -- --filter '*RowKernelBenchmarks*' --job short</c>.</remarks>
[MemoryDiagnoser]
public class RowKernelBenchmarks
{
    private const int Seq = 128, Hidden = 768, Heads = 12, HeadSize = 64;
    private float[] _act = [], _actOut = [], _scores = [], _mask = [], _h = [], _gamma = [], _beta = [], _hOut = [];
    private float[] _q = [], _k = [], _v = [], _context = [], _scratch = [];

    /// <summary>Random inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        float[] R(int len, float scale = 1) => [.. Enumerable.Range(0, len).Select(_ => (float)(rng.NextDouble() - 0.5) * scale)];
        _act = R(Seq * 3072 + 7, 6);
        _actOut = new float[_act.Length];
        _scores = R(Heads * Seq * Seq, 8);
        _mask = new float[Seq];
        _h = R(Seq * Hidden, 4);
        _hOut = new float[_h.Length];
        _gamma = R(Hidden);
        _beta = R(Hidden);
        (_q, _k, _v) = (R(Seq * Hidden), R(Seq * Hidden), R(Seq * Hidden));
        _context = new float[Seq * Hidden];
        _scratch = new float[Kernels.Attention.ScratchLength(1, Seq, Heads, HeadSize)];
    }

    /// <summary>Exact GELU, fast.</summary>
    [Benchmark] public void Gelu() => Activations.Gelu(_act, _actOut);

    /// <summary>Exact GELU, twin.</summary>
    [Benchmark] public void GeluNaive() => NaiveKernels.Gelu(_act, _actOut);

    /// <summary>Tanh GELU, fast.</summary>
    [Benchmark] public void GeluTanh() => Activations.GeluTanh(_act, _actOut);

    /// <summary>Tanh GELU, twin.</summary>
    [Benchmark] public void GeluTanhNaive() => NaiveKernels.GeluTanh(_act, _actOut);

    /// <summary>Masked softmax over 12·128 rows of 128, fast.</summary>
    [Benchmark] public void Softmax() => Kernels.Softmax.Masked(_scores, _mask, Heads * Seq, Seq, _scores);

    /// <summary>Masked softmax, twin.</summary>
    [Benchmark] public void SoftmaxNaive() => NaiveKernels.MaskedSoftmax(_scores, _mask, Heads * Seq, Seq, _scores);

    /// <summary>LayerNorm [128, 768], fast.</summary>
    [Benchmark] public void LayerNorm() => Normalization.LayerNorm(_h, _gamma, _beta, 1e-12f, Seq, Hidden, _hOut);

    /// <summary>LayerNorm, twin.</summary>
    [Benchmark] public void LayerNormNaive() => NaiveKernels.LayerNorm(_h, _gamma, _beta, 1e-12f, Seq, Hidden, _hOut);

    /// <summary>Self-attention, batch 1, seq 128, 12 heads of 64, fast.</summary>
    [Benchmark] public void Attention() => Kernels.Attention.Forward(_q, _k, _v, _mask, 1, Seq, Heads, HeadSize, _scratch, _context);

    /// <summary>Self-attention, twin.</summary>
    [Benchmark] public void AttentionNaive() => NaiveKernels.Attention(_q, _k, _v, _mask, 1, Seq, Heads, HeadSize, _context);
}
