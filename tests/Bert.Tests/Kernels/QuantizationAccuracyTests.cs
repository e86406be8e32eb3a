using Bert.Kernels;
using Bert.Kernels.Reference;
using Bert.KernelCheck;

namespace Bert.Tests.Kernels;

/// <summary>
/// The int8 GEMM against the exact (double) F32 product, within the bound that symmetric rounding implies: this checks
/// the quantization scheme itself (scales, zero handling, dequantization), which the bit-exact twin sweeps cannot,
/// since a wrong formula shared by kernel and twin would pass those.
/// </summary>
public class QuantizationAccuracyTests
{
    [Theory]
    [InlineData(8, 768, 96)]
    [InlineData(70, 257, 49)]
    [InlineData(3, 3072, 50)]
    public void Int8ErrorWithinRoundingBound(int m, int k, int n)
    {
        var x = KernelSweeps.Random(m * k, m, 3f);
        var w = KernelSweeps.Random(n * k, n, 0.1f);
        var b = KernelSweeps.Random(n, k);
        var y = new float[m * n];
        Gemm.Linear(x, LinearWeight.Create(w, b, n, k).ToInt8(), m, y);
        var exact = new float[m * n];
        NaiveKernels.Linear(x, w, b, m, k, n, exact);
        double worstShare = 0;
        for (int i = 0; i < m; i++)
        {
            double xMax = 0;
            for (int p = 0; p < k; p++) xMax = Math.Max(xMax, Math.Abs(x[i * k + p]));
            double dx = xMax / Int8Quantization.ActivationLevels(k) / 2; // |x̂ − x| ≤ half a step of the row's scale
            for (int j = 0; j < n; j++)
            {
                double wMax = 0, magnitude = 0;
                for (int p = 0; p < k; p++) wMax = Math.Max(wMax, Math.Abs(w[j * k + p]));
                double dw = wMax / 127 / 2;
                double bound = 0;
                for (int p = 0; p < k; p++)
                {
                    double xv = Math.Abs(x[i * k + p]), wv = Math.Abs(w[j * k + p]);
                    bound += dx * wv + xv * dw + dx * dw; // |x̂ŵ − xw| ≤ |Δx||w| + |x||Δw| + |Δx||Δw|
                    magnitude += xv * wv;
                }
                // Plus the F32 epilogue (a product and an add: a few ulp of the result and of the bias) and the
                // rounding of the scales themselves (relative 2⁻²⁴ each, times Σ|x̂||ŵ|).
                bound += 4e-7 * (Math.Abs(exact[i * n + j]) + Math.Abs(b[j]) + magnitude);
                double err = Math.Abs(y[i * n + j] - exact[i * n + j]);
                Assert.True(err <= bound, $"[{i},{j}]: {y[i * n + j]} vs {exact[i * n + j]}, error {err:g3} > bound {bound:g3}");
                worstShare = Math.Max(worstShare, err / magnitude);
            }
        }
        Assert.True(worstShare > 0, "int8 output equals the F32 product exactly: nothing was quantized");
    }

    [Fact]
    public void ZeroRowsAndZeroWeightsGiveTheBias()
    {
        // A zero activation row has scale 0 and a zero weight row has scale 0: both must give exactly the bias, not NaN.
        int m = 9, k = 40, n = 50;
        var x = KernelSweeps.Random(m * k, 1);
        Array.Clear(x, 3 * k, k);
        var w = KernelSweeps.Random(n * k, 2);
        Array.Clear(w, 7 * k, k);
        var b = KernelSweeps.Random(n, 3);
        var y = new float[m * n];
        Gemm.Linear(x, LinearWeight.Create(w, b, n, k).ToInt8(), m, y);
        for (int j = 0; j < n; j++) Assert.Equal(b[j], y[3 * n + j]);
        for (int i = 0; i < m; i++) Assert.Equal(b[7], y[i * n + 7]);
    }

    [Theory]
    [InlineData(30, 50)] // parts split inside a 48-wide panel: unpacked and repacked
    [InlineData(96, 7)]  // the first part fills whole panels: panels stacked as they are
    public void ConcatenateKeepsEveryFormatExact(int n1, int n2)
    {
        // Q, K and V as one GEMM: y of the concatenation must be the parts' y side by side, bit for bit, in every format.
        int m = 11, k = 70;
        var x = KernelSweeps.Random(m * k, 4);
        var a = LinearWeight.Create(KernelSweeps.Random(n1 * k, 5), KernelSweeps.Random(n1, 6), n1, k);
        var c = LinearWeight.Create(KernelSweeps.Random(n2 * k, 7), KernelSweeps.Random(n2, 8), n2, k);
        foreach (var (p, q) in new[] { (a, c), (a.ToBFloat16(), c.ToBFloat16()), (a.ToInt8(), c.ToInt8()) })
        {
            var joined = LinearWeight.Concatenate(p, q);
            var y = new float[m * (n1 + n2)];
            var y1 = new float[m * n1];
            var y2 = new float[m * n2];
            Gemm.Linear(x, joined, m, y);
            Gemm.Linear(x, p, m, y1);
            Gemm.Linear(x, q, m, y2);
            for (int i = 0; i < m; i++)
            {
                Assert.Equal(y1.AsSpan(i * n1, n1).ToArray(), y.AsSpan(i * (n1 + n2), n1).ToArray());
                Assert.Equal(y2.AsSpan(i * n2, n2).ToArray(), y.AsSpan(i * (n1 + n2) + n1, n2).ToArray());
            }
        }
    }
}

/// <summary>The bfloat16 and int8 GEMMs are on the forward pass's hot path too: no allocation once warm.</summary>
public class ReducedPrecisionAllocationTests
{
    [Fact]
    public void ReducedPrecisionGemmsDoNotAllocateAfterWarmUp()
    {
        const int m = 70, k = 97, n = 130;
        var x = KernelSweeps.Random(m * k, 1);
        var f32 = LinearWeight.Create(KernelSweeps.Random(n * k, 2), KernelSweeps.Random(n, 3), n, k);
        var bf16 = f32.ToBFloat16();
        var int8 = f32.ToInt8();
        var y = new float[m * n];

        void RunAll()
        {
            Gemm.Linear(x, bf16, m, y, GemmActivation.Gelu);
            Gemm.Linear(x, bf16, 5, y);
            Gemm.Linear(x, int8, m, y, GemmActivation.GeluTanh);
            Gemm.Linear(x, int8, 3, y);
        }

        RunAll(); // warm-up: JIT, worker threads and the per-thread row and quantization buffers
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) RunAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
