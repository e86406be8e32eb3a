using Bert.Tokenization;

namespace Bert;

/// <summary>
/// A tokenized batch of <see cref="BatchSize"/> sequences padded to <see cref="SequenceLength"/> tokens, all spans row-major [batch, seq].
/// </summary>
/// <remarks>
/// Position ids are 0..seq−1 for every row, as in Hugging Face; so pad on the right (as <c>BertTokenizer</c> does) for each
/// sequence to get the result it has alone.
/// </remarks>
public readonly ref struct BertInput
{
    /// <summary>Creates the input; lengths and ranges are checked when the model runs.</summary>
    /// <param name="ids">Token ids [batch·seq], each in [0, vocab_size).</param>
    /// <param name="typeIds">Token type (segment) ids [batch·seq] in [0, type_vocab_size), or empty for all zeros (HF's default).</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding [batch·seq], or empty for all ones (HF's default).</param>
    /// <param name="batchSize">Number of sequences.</param>
    /// <param name="sequenceLength">Tokens per sequence, at most max_position_embeddings.</param>
    public BertInput(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, ReadOnlySpan<int> attentionMask, int batchSize, int sequenceLength)
    {
        Ids = ids;
        TypeIds = typeIds;
        AttentionMask = attentionMask;
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
    }

    /// <summary>The padded batch a <see cref="BertTokenizer"/> produced (<see cref="BertTokenizer.EncodeBatch(IReadOnlyList{string}, bool, TruncationStrategy, int?, PaddingStrategy)"/>).</summary>
    /// <param name="batch">The tokenized batch.</param>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is null.</exception>
    public BertInput(BertBatchEncoding batch)
        : this((batch ?? throw new ArgumentNullException(nameof(batch))).Ids, batch.TypeIds, batch.AttentionMask, batch.BatchSize, batch.SequenceLength)
    {
    }

    /// <summary>One tokenized sequence (batch 1) as <see cref="BertTokenizer.Encode"/> produced it.</summary>
    /// <param name="encoding">The tokenized sequence.</param>
    /// <exception cref="ArgumentNullException"><paramref name="encoding"/> is null.</exception>
    public BertInput(BertEncoding encoding)
        : this((encoding ?? throw new ArgumentNullException(nameof(encoding))).Ids, encoding.TypeIds, encoding.AttentionMask, 1, encoding.Ids.Length)
    {
    }

    /// <summary>Token ids [batch·seq].</summary>
    public ReadOnlySpan<int> Ids { get; }

    /// <summary>Token type ids [batch·seq], or empty (all zeros).</summary>
    public ReadOnlySpan<int> TypeIds { get; }

    /// <summary>Attention mask [batch·seq] of 0/1, or empty (all ones).</summary>
    public ReadOnlySpan<int> AttentionMask { get; }

    /// <summary>Number of sequences.</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per sequence (padded length).</summary>
    public int SequenceLength { get; }
}
