namespace Bert.Tokenization;

public sealed partial class BertTokenizer
{
    /// <summary>
    /// Encodes a text or a pair and, when it is too long, returns every window instead of cutting the rest away: HF's
    /// fast tokenizer with <c>truncation</c>, <c>max_length</c>, <c>stride</c> and <c>return_overflowing_tokens=True</c>.
    /// </summary>
    /// <remarks>
    /// <para>The truncated text (the first one for a single text, <see cref="TruncationStrategy.LongestFirst"/> or
    /// <see cref="TruncationStrategy.OnlyFirst"/>; the pair for <see cref="TruncationStrategy.OnlySecond"/>) of n tokens is
    /// cut into windows of at most w = maxLength − special tokens − length of the other text tokens. Window k covers
    /// tokens [k·(w − stride), min(k·(w − stride) + w, n)); the last window is the first that reaches n. So consecutive
    /// windows share <paramref name="stride"/> tokens, and each window is wrapped as a whole encoding
    /// (<c>[CLS] A [SEP] B [SEP]</c>) with the other text complete. Offsets point into the original strings and
    /// <see cref="BertEncoding.WordIds"/> keep the numbering of the whole text, as HF does.</para>
    /// <para>When everything fits (or <paramref name="truncation"/> is <see cref="TruncationStrategy.None"/>) the list has
    /// one encoding. Differences from HF, deliberate: a pair with <see cref="TruncationStrategy.LongestFirst"/> is refused
    /// (HF's Rust tokenizer returns the cross product of both texts' windows); a stride not below w, or no room at all for the
    /// truncated text, throws <see cref="ArgumentException"/> (HF panics or errors in Rust).</para>
    /// </remarks>
    /// <param name="text">First text (the question, for extractive QA).</param>
    /// <param name="textPair">Optional second text (the context).</param>
    /// <param name="stride">Tokens shared by consecutive windows (HF <c>stride</c>), 0 ≤ stride &lt; w.</param>
    /// <param name="truncation">Which text is cut into windows; see the remarks.</param>
    /// <param name="maxLength">Length of every window, special tokens included; null for <see cref="MaxLength"/>.</param>
    /// <param name="addSpecialTokens">Add [CLS] and [SEP] to every window.</param>
    /// <returns>The windows in text order (HF: the encoding followed by its <c>overflowing</c> encodings).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stride"/> is negative.</exception>
    /// <exception cref="ArgumentException">
    /// maxLength is below what the special tokens need; OnlySecond without a pair; LongestFirst with a pair; the other
    /// text leaves no room for the truncated one; or the stride is not below the window's text length w.
    /// </exception>
    public IReadOnlyList<BertEncoding> EncodeWithOverflow(string text, string? textPair = null, int stride = 0,
        TruncationStrategy truncation = TruncationStrategy.LongestFirst, int? maxLength = null, bool addSpecialTokens = true)
        => EncodeWithOverflow(text, textPair, stride, truncation, maxLength, addSpecialTokens, maxFirstTokens: null);

    /// <summary>As the public overload; <paramref name="maxFirstTokens"/> first cuts the first text to that many tokens
    /// (the slow QA pipeline's <c>max_question_len</c>).</summary>
    internal IReadOnlyList<BertEncoding> EncodeWithOverflow(string text, string? textPair, int stride,
        TruncationStrategy truncation, int? maxLength, bool addSpecialTokens, int? maxFirstTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(stride);
        bool pair = textPair is not null;
        int max = ResolveMaxLength(maxLength, pair, addSpecialTokens, truncation, PaddingStrategy.None);
        if (pair && truncation == TruncationStrategy.LongestFirst)
            throw new ArgumentException("Overflowing windows of a text pair need TruncationStrategy.OnlyFirst or OnlySecond (which text to cut).", nameof(truncation));
        var a = new ListSink(Math.Min(text.Length / 4 + 8, 1024));
        _core.Tokenize(text, ref a);
        if (maxFirstTokens is int cap && a.Count > cap) a.Count = cap;
        var b = new ListSink(pair ? Math.Min(textPair!.Length / 4 + 8, 1024) : 0);
        if (pair) _core.Tokenize(textPair, ref b);
        int special = addSpecialTokens ? (pair ? 3 : 2) : 0;
        if (truncation == TruncationStrategy.None || a.Count + b.Count + special <= max)
            return [Assemble(a, a.Count, pair ? b : null, b.Count, addSpecialTokens, 0)];

        bool cutSecond = truncation == TruncationStrategy.OnlySecond;
        int other = cutSecond ? a.Count : b.Count;
        int window = max - special - other;
        if (window < 1)
            throw new ArgumentException($"The {(cutSecond ? "first" : "second")} text has {other} tokens, which with {special} special tokens " +
                $"leaves no room for the {(cutSecond ? "second" : "first")} text within maxLength {max}.", nameof(text));
        if (stride >= window)
            throw new ArgumentException($"stride ({stride}) must be less than the {window} text tokens a window holds " +
                $"(maxLength {max} minus {special} special tokens{(other > 0 ? $" minus the other text's {other} tokens" : "")}).", nameof(stride));
        return Windows(a, pair ? b : null, cutSecond, window, stride, addSpecialTokens);
    }

    /// <summary>Cuts the chosen sink into windows and assembles each with the other text whole.</summary>
    private List<BertEncoding> Windows(ListSink a, ListSink? b, bool cutSecond, int window, int stride, bool addSpecialTokens)
    {
        var cut = cutSecond ? b!.Value : a;
        int n = cut.Count;
        int[] wordsA = SinkWordIds(a), wordsB = b is { } sb ? SinkWordIds(sb) : [];
        var result = new List<BertEncoding>();
        for (int start = 0; ; start += window - stride)
        {
            int stop = Math.Min(start + window, n);
            var part = Slice(cut, start, stop - start);
            var encoding = cutSecond
                ? Assemble(a, a.Count, part, part.Count, addSpecialTokens, n - part.Count)
                : Assemble(part, part.Count, b, b?.Count ?? 0, addSpecialTokens, n - part.Count);
            var partWords = (cutSecond ? wordsB : wordsA).AsSpan(start, stop - start);
            result.Add(encoding.WithWordIds(LayoutWordIds(cutSecond ? wordsA : partWords, cutSecond ? partWords : wordsB, b is not null, addSpecialTokens)));
            if (stop == n) return result;
        }
    }

    /// <summary>Word index of each token of a tokenized text (see <see cref="BertEncoding.WordIds"/>).</summary>
    private int[] SinkWordIds(ListSink sink)
    {
        var tokens = new string[sink.Count];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = Vocabulary.GetToken(sink.Ids[i]) ?? Options.UnknownToken;
        return BertEncoding.DeriveWordIds(tokens, new int[tokens.Length], Vocabulary.ContinuingSubwordPrefix);
    }

    /// <summary>Word ids in the layout Assemble writes: [CLS] A [SEP] (B [SEP]), -1 at the special tokens.</summary>
    private static int[] LayoutWordIds(ReadOnlySpan<int> a, ReadOnlySpan<int> b, bool pair, bool addSpecialTokens)
    {
        var words = new List<int>(a.Length + b.Length + 3);
        if (addSpecialTokens) words.Add(-1);
        foreach (int w in a) words.Add(w);
        if (addSpecialTokens) words.Add(-1);
        if (pair)
        {
            foreach (int w in b) words.Add(w);
            if (addSpecialTokens) words.Add(-1);
        }
        return [.. words];
    }

    private static ListSink Slice(ListSink sink, int start, int count) => new()
    {
        Ids = sink.Ids.AsSpan(start, count).ToArray(),
        Starts = sink.Starts.AsSpan(start, count).ToArray(),
        Ends = sink.Ends.AsSpan(start, count).ToArray(),
        Count = count,
    };
}
