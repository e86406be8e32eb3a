namespace Bert.Tokenization;

/// <summary>
/// One encoded input, ready for BERT: <c>[CLS] A [SEP]</c> or <c>[CLS] A [SEP] B [SEP]</c>, possibly truncated and
/// padded. All arrays have the same length.
/// </summary>
public sealed partial class BertEncoding
{
    internal BertEncoding(int[] ids, int[] typeIds, int[] attentionMask, int[] specialTokensMask, int[] sequenceIds,
        (int Start, int End)[] offsets, string[] tokens, int truncatedTokenCount)
    {
        Ids = ids;
        TypeIds = typeIds;
        AttentionMask = attentionMask;
        SpecialTokensMask = specialTokensMask;
        SequenceIds = sequenceIds;
        Offsets = offsets;
        Tokens = tokens;
        TruncatedTokenCount = truncatedTokenCount;
    }

    /// <summary>Token ids (HF <c>input_ids</c>).</summary>
    public int[] Ids { get; }

    /// <summary>Segment ids (HF <c>token_type_ids</c>): 0 for [CLS] A [SEP], 1 for B [SEP], 0 for padding.</summary>
    public int[] TypeIds { get; }

    /// <summary>1 for real tokens, 0 for padding (HF <c>attention_mask</c>).</summary>
    public int[] AttentionMask { get; }

    /// <summary>1 for tokens added by the encoder ([CLS], [SEP], padding), 0 for tokens of the texts (HF <c>special_tokens_mask</c>).</summary>
    public int[] SpecialTokensMask { get; }

    /// <summary>Which text each token comes from: 0 (first), 1 (pair), or -1 for added [CLS]/[SEP]/padding.</summary>
    public int[] SequenceIds { get; }

    /// <summary>
    /// Range [Start, End) of UTF-16 chars of the ORIGINAL text (the first or the pair text, see <see cref="SequenceIds"/>)
    /// that produced each token; (0, 0) for added [CLS]/[SEP]/padding. Pieces of one word split its range; a token
    /// made from chars that normalisation merged or expanded covers all of them; removed control chars inside a word
    /// are covered, those around it are not.
    /// </summary>
    public (int Start, int End)[] Offsets { get; }

    /// <summary>Token strings as in the vocabulary ("##" pieces, "[UNK]" for unknown words).</summary>
    public string[] Tokens { get; }

    /// <summary>Number of text tokens removed by truncation (0 if none).</summary>
    public int TruncatedTokenCount { get; }

    /// <summary>Number of positions (including padding).</summary>
    public int Count => Ids.Length;

    /// <summary>Number of non-padding positions.</summary>
    public int Length
    {
        get
        {
            int n = 0;
            foreach (int m in AttentionMask) n += m;
            return n;
        }
    }
}
