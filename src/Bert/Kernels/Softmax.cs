using Bert.Kernels.Reference;

namespace Bert.Kernels;

/// <summary>Row softmax with an additive mask.</summary>
internal static class Softmax
{
    // x, y: [rows, cols]; mask: [cols] additive, or empty
    /// <summary>y[r,:] = softmax(x[r,:] + mask).</summary>
    public static void Masked(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, int rows, int cols, Span<float> y) => NaiveKernels.MaskedSoftmax(x, mask, rows, cols, y);
}
