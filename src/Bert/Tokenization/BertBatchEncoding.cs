namespace Bert.Tokenization;

/// <summary>
/// A batch of encodings padded to one length and flattened row-major: element (row b, position t) of
/// <see cref="Ids"/>, <see cref="TypeIds"/> and <see cref="AttentionMask"/> is at <c>b * SequenceLength + t</c>.
/// </summary>
public sealed class BertBatchEncoding
{
    internal BertBatchEncoding(BertEncoding[] encodings, int sequenceLength)
    {
        Encodings = encodings;
        SequenceLength = sequenceLength;
        Ids = new int[encodings.Length * sequenceLength];
        TypeIds = new int[Ids.Length];
        AttentionMask = new int[Ids.Length];
        Lengths = new int[encodings.Length];
        for (int b = 0; b < encodings.Length; b++)
        {
            var e = encodings[b];
            e.Ids.CopyTo(Ids, b * sequenceLength);
            e.TypeIds.CopyTo(TypeIds, b * sequenceLength);
            e.AttentionMask.CopyTo(AttentionMask, b * sequenceLength);
            Lengths[b] = e.Length;
        }
    }

    /// <summary>Number of rows.</summary>
    public int BatchSize => Encodings.Count;

    /// <summary>Length of every row (after padding).</summary>
    public int SequenceLength { get; }

    /// <summary>Token ids, [BatchSize * SequenceLength], row-major.</summary>
    public int[] Ids { get; }

    /// <summary>Segment ids, [BatchSize * SequenceLength], row-major.</summary>
    public int[] TypeIds { get; }

    /// <summary>1 for real tokens and 0 for padding, [BatchSize * SequenceLength], row-major.</summary>
    public int[] AttentionMask { get; }

    /// <summary>Number of non-padding tokens of each row.</summary>
    public int[] Lengths { get; }

    /// <summary>The per-row encodings (each already padded to <see cref="SequenceLength"/>).</summary>
    public IReadOnlyList<BertEncoding> Encodings { get; }
}
