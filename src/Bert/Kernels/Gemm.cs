using Bert.Kernels.Reference;

namespace Bert.Kernels;

/// <summary>Matrix multiplication for <c>nn.Linear</c> layers.</summary>
internal static class Gemm
{
    // x: [m, k], w: [n, k] (+ bias [n]), y: [m, n]
    /// <summary>y = x · wᵀ + b for m rows of x.</summary>
    public static void Linear(ReadOnlySpan<float> x, LinearWeight w, int m, Span<float> y)
    {
        // TODO(kernels): blocked, vectorized, multithreaded GEMM; this forwards to the naive twin.
        NaiveKernels.Linear(x, w.Weight.Span, w.Bias.Span, m, w.InFeatures, w.OutFeatures, y);
    }
}
