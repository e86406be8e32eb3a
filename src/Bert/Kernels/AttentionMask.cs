namespace Bert.Kernels;

/// <summary>Turns a 0/1 attention mask into the additive form <see cref="Attention"/> consumes.</summary>
internal static class AttentionMask
{
    // mask: [t] of 0/1 (empty: all ones); y: [t]
    /// <summary>y[i] = (1 − mask[i]) · float.MinValue, as Hugging Face's get_extended_attention_mask: finite, so never NaN.</summary>
    public static void ToAdditive(ReadOnlySpan<int> mask, Span<float> y)
    {
        if (mask.IsEmpty)
        {
            y.Clear();
            return;
        }
        for (int i = 0; i < mask.Length; i++) y[i] = (1 - mask[i]) * float.MinValue;
    }
}
