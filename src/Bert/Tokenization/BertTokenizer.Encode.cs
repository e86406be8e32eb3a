namespace Bert.Tokenization;

public sealed partial class BertTokenizer
{
    /// <summary>Largest length <see cref="PaddingStrategy.MaxLength"/> pads to: 2²⁰ tokens (BERT itself takes 512).</summary>
    public const int MaxPaddedLength = 1 << 20;

    /// <summary>
    /// Encodes a text or a text pair for BERT (HF's <c>__call__</c> / <c>encode_plus</c>): <c>[CLS] A [SEP]</c> or
    /// <c>[CLS] A [SEP] B [SEP]</c> with type ids 0 for the first part and 1 for B [SEP], attention mask, offsets into
    /// the original strings, truncation (HF <c>truncate_sequences</c>, from the right) and padding (on the right).
    /// </summary>
    /// <param name="text">First text.</param>
    /// <param name="textPair">Optional second text.</param>
    /// <param name="addSpecialTokens">Add [CLS] and [SEP] (HF <c>add_special_tokens</c>).</param>
    /// <param name="truncation">
    /// Truncation strategy. Default <see cref="TruncationStrategy.LongestFirst"/> (HF's default is none; a BERT model
    /// cannot take more than its maximum length, so cutting is the safer default; ids of texts that fit are the same).
    /// </param>
    /// <param name="maxLength">Maximum length including special tokens; null for <see cref="MaxLength"/>.</param>
    /// <param name="padding">Padding strategy; <see cref="PaddingStrategy.MaxLength"/> pads to the maximum length.</param>
    /// <exception cref="ArgumentException">
    /// Max length below what the special tokens need; <see cref="TruncationStrategy.OnlySecond"/> without a pair; or
    /// the chosen sequence is too short to remove enough tokens (HF only logs an error there and returns an over-long
    /// encoding).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="truncation"/> or <paramref name="padding"/> is not a defined value, or padding to a
    /// <paramref name="maxLength"/> above <see cref="MaxPaddedLength"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException">Padding is needed but the vocabulary has no pad token.</exception>
    public BertEncoding Encode(string text, string? textPair = null, bool addSpecialTokens = true,
        TruncationStrategy truncation = TruncationStrategy.LongestFirst, int? maxLength = null, PaddingStrategy padding = PaddingStrategy.None)
    {
        ArgumentNullException.ThrowIfNull(text);
        int max = ResolveMaxLength(maxLength, textPair is not null, addSpecialTokens, truncation, padding);
        var encoding = EncodeUnpadded(text, textPair, addSpecialTokens, truncation, max);
        return padding == PaddingStrategy.MaxLength ? Pad(encoding, max) : encoding;
    }

    /// <summary>
    /// Encodes a batch of texts and pads every row to one length (the longest row, or the maximum length with
    /// <see cref="PaddingStrategy.MaxLength"/>; <see cref="PaddingStrategy.None"/> acts as Longest because a flat batch
    /// needs one row length). See <see cref="Encode"/> for the other parameters.
    /// </summary>
    /// <exception cref="ArgumentException">See <see cref="Encode"/>.</exception>
    /// <exception cref="InvalidOperationException">Padding is needed but the vocabulary has no pad token.</exception>
    public BertBatchEncoding EncodeBatch(IReadOnlyList<string> texts, bool addSpecialTokens = true,
        TruncationStrategy truncation = TruncationStrategy.LongestFirst, int? maxLength = null, PaddingStrategy padding = PaddingStrategy.Longest)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EncodeBatchCore(texts, null, addSpecialTokens, truncation, maxLength, padding);
    }

    /// <summary>Encodes a batch of text pairs (row b is <c>[CLS] texts[b] [SEP] textPairs[b] [SEP]</c>); see <see cref="EncodeBatch(IReadOnlyList{string}, bool, TruncationStrategy, int?, PaddingStrategy)"/>.</summary>
    /// <exception cref="ArgumentException">The lists differ in length, or see <see cref="Encode"/>.</exception>
    /// <exception cref="InvalidOperationException">Padding is needed but the vocabulary has no pad token.</exception>
    public BertBatchEncoding EncodeBatch(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs, bool addSpecialTokens = true,
        TruncationStrategy truncation = TruncationStrategy.LongestFirst, int? maxLength = null, PaddingStrategy padding = PaddingStrategy.Longest)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(textPairs);
        if (texts.Count != textPairs.Count)
            throw new ArgumentException($"{texts.Count} texts but {textPairs.Count} text pairs.", nameof(textPairs));
        return EncodeBatchCore(texts, textPairs, addSpecialTokens, truncation, maxLength, padding);
    }

    private BertBatchEncoding EncodeBatchCore(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, bool addSpecialTokens,
        TruncationStrategy truncation, int? maxLength, PaddingStrategy padding)
    {
        int max = ResolveMaxLength(maxLength, pairs is not null, addSpecialTokens, truncation, padding);
        var rows = new BertEncoding[texts.Count];
        int longest = 0;
        for (int b = 0; b < rows.Length; b++)
        {
            rows[b] = EncodeUnpadded(texts[b] ?? throw new ArgumentNullException(nameof(texts), $"texts[{b}] is null."),
                pairs?[b], addSpecialTokens, truncation, max);
            longest = Math.Max(longest, rows[b].Count);
        }
        int length = padding == PaddingStrategy.MaxLength ? Math.Max(max, longest) : longest;
        for (int b = 0; b < rows.Length; b++) rows[b] = Pad(rows[b], length);
        return new BertBatchEncoding(rows, length);
    }

    private int ResolveMaxLength(int? maxLength, bool pair, bool addSpecialTokens, TruncationStrategy truncation, PaddingStrategy padding)
    {
        if (!Enum.IsDefined(truncation)) throw new ArgumentOutOfRangeException(nameof(truncation), truncation, "Not a TruncationStrategy value.");
        if (!Enum.IsDefined(padding)) throw new ArgumentOutOfRangeException(nameof(padding), padding, "Not a PaddingStrategy value.");
        // Padding allocates maxLength slots per row: bound it before anything is sized from it.
        if (padding == PaddingStrategy.MaxLength && maxLength > MaxPaddedLength)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"Padding to more than {MaxPaddedLength} tokens is not supported.");
        int max = maxLength ?? Options.MaxLength;
        int special = addSpecialTokens ? (pair ? 3 : 2) : 0;
        if (max < Math.Max(special, 1))
            throw new ArgumentException($"maxLength {max} is smaller than the {Math.Max(special, 1)} token(s) that the special tokens need.", nameof(maxLength));
        if (truncation == TruncationStrategy.OnlySecond && !pair)
            throw new ArgumentException("TruncationStrategy.OnlySecond needs a text pair.", nameof(truncation));
        return max;
    }

    private BertEncoding EncodeUnpadded(string text, string? pair, bool addSpecialTokens, TruncationStrategy truncation, int max)
    {
        var a = new ListSink(Math.Min(text.Length / 4 + 8, 1024));
        _core.Tokenize(text, ref a);
        var b = new ListSink(pair is null ? 0 : Math.Min(pair.Length / 4 + 8, 1024));
        if (pair is not null) _core.Tokenize(pair, ref b);
        int lengthA = a.Count, lengthB = b.Count;
        int special = addSpecialTokens ? (pair is null ? 2 : 3) : 0;
        int remove = truncation == TruncationStrategy.None ? 0 : lengthA + lengthB + special - max;
        if (remove > 0) Truncate(truncation, pair is not null, remove, ref lengthA, ref lengthB);
        return Assemble(a, lengthA, pair is null ? null : b, lengthB, addSpecialTokens, a.Count + b.Count - lengthA - lengthB);
    }

    /// <summary>HF's <c>truncate_sequences</c> with <c>truncation_side="right"</c>.</summary>
    private static void Truncate(TruncationStrategy strategy, bool pair, int remove, ref int lengthA, ref int lengthB)
    {
        if (strategy == TruncationStrategy.OnlyFirst || (strategy == TruncationStrategy.LongestFirst && !pair))
        {
            if (lengthA <= remove)
                throw new ArgumentException($"Truncation must remove {remove} tokens but the first sequence has only {lengthA}; " +
                    "use a larger maxLength or another truncation strategy.");
            lengthA -= remove;
        }
        else if (strategy == TruncationStrategy.LongestFirst)
        {
            for (int i = 0; i < remove; i++)
            {
                if (lengthA > lengthB) lengthA--;   // a tie goes to the second sequence, as in HF
                else lengthB--;
            }
        }
        else
        {
            if (lengthB <= remove)
                throw new ArgumentException($"Truncation must remove {remove} tokens but the second sequence has only {lengthB}; " +
                    "use a larger maxLength or another truncation strategy.");
            lengthB -= remove;
        }
    }

    private BertEncoding Assemble(ListSink a, int lengthA, ListSink? b, int lengthB, bool addSpecialTokens, int truncated)
    {
        int special = addSpecialTokens ? (b is null ? 2 : 3) : 0;
        int n = lengthA + lengthB + special;
        var ids = new int[n];
        var types = new int[n];
        var mask = new int[n];
        var specialMask = new int[n];
        var sequence = new int[n];
        var offsets = new (int, int)[n];
        int t = 0;
        void Special(int id, int type)
        {
            ids[t] = id; types[t] = type; specialMask[t] = 1; sequence[t] = -1; t++;
        }
        void Text(ListSink s, int length, int seq)
        {
            for (int i = 0; i < length; i++, t++)
            {
                ids[t] = s.Ids[i]; types[t] = seq; sequence[t] = seq; offsets[t] = (s.Starts[i], s.Ends[i]);
            }
        }
        if (addSpecialTokens) Special(ClsTokenId, 0);
        Text(a, lengthA, 0);
        if (addSpecialTokens) Special(SepTokenId, 0);
        if (b is { } second)
        {
            Text(second, lengthB, 1);
            if (addSpecialTokens) Special(SepTokenId, 1);
        }
        mask.AsSpan().Fill(1);
        var tokens = new string[n];
        for (int i = 0; i < n; i++) tokens[i] = Vocabulary.GetToken(ids[i]) ?? Options.UnknownToken;
        return new BertEncoding(ids, types, mask, specialMask, sequence, offsets, tokens, truncated);
    }

    /// <summary>Right-pads with [PAD] (type 0, mask 0, offsets (0,0)) to <paramref name="length"/>; longer encodings are returned as they are.</summary>
    private BertEncoding Pad(BertEncoding e, int length)
    {
        int n = e.Count;
        if (n >= length) return e;
        if (PadTokenId < 0)
            throw new InvalidOperationException($"Padding needs a pad token but the vocabulary has no '{Options.PaddingToken}'.");
        static T[] Grow<T>(T[] source, int length, T fill)
        {
            var result = new T[length];
            source.CopyTo(result, 0);
            result.AsSpan(source.Length).Fill(fill);
            return result;
        }
        return new BertEncoding(Grow(e.Ids, length, PadTokenId), Grow(e.TypeIds, length, 0), Grow(e.AttentionMask, length, 0),
            Grow(e.SpecialTokensMask, length, 1), Grow(e.SequenceIds, length, -1), Grow(e.Offsets, length, (0, 0)),
            Grow(e.Tokens, length, Options.PaddingToken), e.TruncatedTokenCount);
    }
}
