using Bert.Kernels;

namespace Bert.SentenceTransformers;

/// <summary>
/// sentence-transformers' Pooling, Normalize and truncate_dim for one sequence: pure functions over its token rows.
/// </summary>
internal static class SentencePooling
{
    /// <summary>The sentence modes in the order sentence-transformers concatenates them.</summary>
    public static ReadOnlySpan<BertPooling> Order =>
        [BertPooling.Cls, BertPooling.Max, BertPooling.Mean, BertPooling.MeanSqrtLen, BertPooling.WeightedMean, BertPooling.LastToken];

    // hidden: [rows, cols] (the sequence's last_hidden_state); mask: [rows] 0/1 or empty for all; y: [modes·cols]
    /// <summary>Writes each mode of <paramref name="modes"/> in <see cref="Order"/>, one block of <paramref name="cols"/> floats each.</summary>
    public static void Pool(ReadOnlySpan<float> hidden, ReadOnlySpan<int> mask, int rows, int cols, BertPooling modes, Span<float> y)
    {
        int block = 0;
        foreach (var mode in Order)
        {
            if ((modes & mode) == 0) continue;
            var dst = y.Slice(block++ * cols, cols);
            switch (mode)
            {
                case BertPooling.Cls: hidden[..cols].CopyTo(dst); break;
                case BertPooling.Max: Pooling.MaskedMax(hidden, mask, rows, cols, dst); break;
                case BertPooling.Mean: Pooling.MaskedMean(hidden, mask, rows, cols, dst); break;
                case BertPooling.MeanSqrtLen: Pooling.MaskedMeanSqrtLength(hidden, mask, rows, cols, dst); break;
                case BertPooling.WeightedMean: Pooling.PositionWeightedMean(hidden, mask, rows, cols, dst); break;
                case BertPooling.LastToken: LastToken(hidden, mask, rows, cols, dst); break;
            }
        }
    }

    /// <summary>
    /// The returned vector: the first <paramref name="dimension"/> floats of <paramref name="pooled"/>, then divided by
    /// max(‖v‖₂, 1e-12) when <paramref name="normalize"/>.
    /// </summary>
    public static float[] Finish(ReadOnlySpan<float> pooled, int dimension, bool normalize)
    {
        var v = pooled[..dimension].ToArray();
        if (normalize) Pooling.L2Normalize(v);
        return v;
    }

    /// <summary>The mask excluding the first <paramref name="excluded"/> of <paramref name="rows"/> rows, in <paramref name="buffer"/>; empty when none is excluded.</summary>
    public static ReadOnlySpan<int> PromptMask(int excluded, int rows, int[] buffer)
    {
        if (excluded <= 0) return default;
        var mask = buffer.AsSpan(0, rows);
        int k = Math.Min(excluded, rows);
        mask[..k].Clear();
        mask[k..].Fill(1);
        return mask;
    }

    private static void LastToken(ReadOnlySpan<float> hidden, ReadOnlySpan<int> mask, int rows, int cols, Span<float> y)
    {
        int row = Pooling.LastUnmaskedRow(mask, rows);
        if (row < 0) y.Clear(); // every row masked: sentence-transformers gathers a masked (zeroed) row
        else hidden.Slice(row * cols, cols).CopyTo(y);
    }
}
