namespace Bert.Tokenization;

/// <summary>How a sequence (pair) longer than the maximum length is cut, as HF's <c>truncate_sequences</c>. Tokens are always removed from the end (HF <c>truncation_side="right"</c>).</summary>
public enum TruncationStrategy
{
    /// <summary>No truncation: the encoding may exceed the maximum length.</summary>
    None,

    /// <summary>HF "longest_first": remove one token at a time from the longer sequence (from the second on a tie).</summary>
    LongestFirst,

    /// <summary>HF "only_first": remove tokens from the first sequence only.</summary>
    OnlyFirst,

    /// <summary>HF "only_second": remove tokens from the second sequence only (needs a pair).</summary>
    OnlySecond,
}

/// <summary>How encodings are padded with [PAD] (on the right, as HF's default <c>padding_side</c>).</summary>
public enum PaddingStrategy
{
    /// <summary>No padding.</summary>
    None,

    /// <summary>HF "longest": pad every row of a batch to the longest row (a single encoding is unchanged).</summary>
    Longest,

    /// <summary>HF "max_length": pad to the maximum length.</summary>
    MaxLength,
}
