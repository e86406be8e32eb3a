using Bert.Kernels.Reference;

namespace Bert.Kernels;

/// <summary>Multi-head scaled dot-product self-attention.</summary>
internal static class Attention
{
    /// <summary>Floats of scratch <see cref="Forward"/> needs for these dimensions.</summary>
    public static int ScratchLength(int batch, int seq, int heads, int headSize) => seq * seq;

    // q, k, v, context: [batch·seq, heads·headSize]; mask: [batch, seq] additive (0 keep, large negative drop)
    /// <summary>context = softmax(q·kᵀ/√headSize + mask) · v per (batch, head).</summary>
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> mask,
        int batch, int seq, int heads, int headSize, Span<float> scratch, Span<float> context)
        => NaiveKernels.Attention(q, k, v, mask, batch, seq, heads, headSize, context);
}
