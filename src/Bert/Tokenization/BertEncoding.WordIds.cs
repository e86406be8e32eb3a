namespace Bert.Tokenization;

public sealed partial class BertEncoding
{
    private int[]? _wordIds;

    /// <summary>
    /// HF's <c>word_ids()</c>: for each token, the index of the word it belongs to within its own text (words are what the
    /// basic tokenizer yields before WordPiece: runs of letters/digits, each punctuation mark, each CJK ideograph, each
    /// special or added token); -1 for added [CLS]/[SEP] and padding. Pieces of one word share the index.
    /// </summary>
    /// <remarks>
    /// A token continues the previous token's word when both come from the same text and it is a WordPiece continuation
    /// (it starts with the continuing-subword prefix "##"). Windows made by
    /// <see cref="BertTokenizer.EncodeWithOverflow(string, string?, int, TruncationStrategy, int?, bool)"/> keep the
    /// indices of the whole text, as HF's overflowing encodings do. An added token whose text itself starts with "##"
    /// is counted as a continuation (no BERT vocabulary has one).
    /// </remarks>
    public int[] WordIds => _wordIds ??= DeriveWordIds(Tokens, SequenceIds, "##");

    /// <summary>Sets word ids computed over a longer sequence (overflow windows keep the whole text's numbering).</summary>
    internal BertEncoding WithWordIds(int[] wordIds)
    {
        _wordIds = wordIds;
        return this;
    }

    /// <summary>Word index of each token within its sequence; -1 where <paramref name="sequenceIds"/> is -1.</summary>
    internal static int[] DeriveWordIds(string[] tokens, int[] sequenceIds, string prefix)
    {
        var words = new int[tokens.Length];
        Span<int> next = stackalloc int[2];
        for (int t = 0; t < tokens.Length; t++)
        {
            int sequence = sequenceIds[t];
            if (sequence < 0)
            {
                words[t] = -1;
                continue;
            }
            bool continues = t > 0 && sequenceIds[t - 1] == sequence && IsContinuation(tokens[t], prefix);
            words[t] = continues ? words[t - 1] : next[sequence]++;
        }
        return words;
    }

    /// <summary>Whether <paramref name="token"/> is a word-internal WordPiece ("##ing").</summary>
    internal static bool IsContinuation(string token, string prefix) =>
        token.Length > prefix.Length && token.StartsWith(prefix, StringComparison.Ordinal);
}
