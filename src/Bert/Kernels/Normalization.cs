using Bert.Kernels.Reference;

namespace Bert.Kernels;

/// <summary>LayerNorm over the last dimension.</summary>
internal static class Normalization
{
    // x, y: [rows, cols]; gamma, beta: [cols]
    /// <summary>y = (x − mean) / sqrt(var + eps) · gamma + beta per row.</summary>
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, int rows, int cols, Span<float> y)
        => NaiveKernels.LayerNorm(x, gamma, beta, eps, rows, cols, y);

    // x, residual, y: [rows, cols]; y may alias x or residual
    /// <summary>y = LayerNorm(x + residual) per row.</summary>
    public static void AddLayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> residual, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, int rows, int cols, Span<float> y)
        => NaiveKernels.AddLayerNorm(x, residual, gamma, beta, eps, rows, cols, y);
}
