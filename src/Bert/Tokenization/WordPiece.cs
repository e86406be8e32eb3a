using System.Runtime.CompilerServices;

namespace Bert.Tokenization;

/// <summary>Receives the tokens of a text: id and the [start, end) range of original chars it covers.</summary>
internal interface ITokenSink
{
    /// <summary>Takes one token; returns false to stop tokenisation (e.g. the output buffer is full).</summary>
    bool Add(int id, int start, int end);

    /// <summary>
    /// Whether the sink keeps offsets. When false, the tokenizer may take paths whose ids are exact but whose offsets
    /// are not the exact path's (see <c>TokenizerCore.EncodeNormalized</c>).
    /// </summary>
    static abstract bool UsesOffsets { get; }
}

/// <summary>
/// HF's <c>WordpieceTokenizer.tokenize</c> for one word: greedy longest-match-first; a word-internal piece is looked
/// up with the "##" prefix; a word of more than <c>max_input_chars_per_word</c> code points, or one with a position
/// where no piece matches, becomes a single [UNK].
/// </summary>
internal sealed class WordPiece
{
    private readonly SpanTable _initial;
    private readonly SpanTable _continuation;
    private readonly int _unkId;

    public WordPiece(Vocabulary vocabulary, int unkId, int maxInputCharsPerWord)
    {
        _initial = vocabulary.Initial;
        _continuation = vocabulary.Continuation;
        _unkId = unkId;
        MaxInputCharsPerWord = maxInputCharsPerWord;
    }

    /// <summary>HF's <c>max_input_chars_per_word</c> (100 for BERT), counted in code points.</summary>
    public int MaxInputCharsPerWord { get; }

    /// <summary>Id of a word that is one char (a punctuation mark), or [UNK].</summary>
    public int SingleCharId(char c)
    {
        int id = _initial.Find([c]);
        return id >= 0 ? id : _unkId;
    }

    /// <summary>Id of <paramref name="word"/> if the whole word is a token, else -1. Why: one probe settles most English words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int WholeWordId(ReadOnlySpan<char> word, uint hash) => _initial.Find(word, hash);

    /// <summary>
    /// Splits one word into pieces and hands them to the sink with offsets starts[first char], ends[last char].
    /// </summary>
    /// <param name="word">The normalised word (no spaces, not empty).</param>
    /// <param name="codePoints">Its length in code points (the 100-char rule counts code points, as Python does).</param>
    /// <param name="starts">Original start offset of each char of <paramref name="word"/>.</param>
    /// <param name="ends">Original end offset of each char of <paramref name="word"/>.</param>
    /// <param name="pieces">Scratch of at least 2 * word.Length ints.</param>
    /// <param name="sink">Receives the tokens.</param>
    /// <returns>False when the sink asked to stop.</returns>
    public bool Encode<TSink>(ReadOnlySpan<char> word, int codePoints, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends,
        Span<int> pieces, ref TSink sink) where TSink : ITokenSink, allows ref struct
    {
        int last = word.Length - 1;
        if (codePoints > MaxInputCharsPerWord) return sink.Add(_unkId, starts[0], ends[last]);
        int count = 0;
        int start = 0;
        while (start < word.Length)
        {
            var table = start == 0 ? _initial : _continuation;
            int end = FindLongest(table, word, start, out int id);
            if (end < 0) return sink.Add(_unkId, starts[0], ends[last]);   // one unmatchable position spoils the word
            pieces[2 * count] = id;
            pieces[2 * count + 1] = end;
            count++;
            start = end;
        }
        start = 0;
        for (int p = 0; p < count; p++)
        {
            int end = pieces[2 * p + 1];
            if (!sink.Add(pieces[2 * p], starts[start], ends[end - 1])) return false;
            start = end;
        }
        return true;
    }

    /// <summary>End of the longest key of <paramref name="table"/> that starts at <paramref name="start"/>, or -1.</summary>
    private static int FindLongest(SpanTable table, ReadOnlySpan<char> word, int start, out int id)
    {
        id = -1;
        int maxEnd = Math.Min(word.Length, start + table.MaxKeyLength);
        if (maxEnd <= start) return -1;
        // Why hashes first: FNV extends left to right, so one pass gives the hash of every candidate length.
        // Words longer than MaxInputCharsPerWord (≤ 1024 code points) never reach here, so the window is at most 8 KB of stack and
        // the work per start position is linear in the window, whatever the longest vocabulary token is.
        Span<uint> hashes = stackalloc uint[maxEnd - start];
        uint h = SpanTable.Seed;
        for (int i = start; i < maxEnd; i++) hashes[i - start] = h = SpanTable.Step(h, word[i]);
        for (int end = maxEnd; end > start; end--)
        {
            if (!table.HasLength(end - start)) continue;   // a crafted vocabulary may have one huge key: skip the gap
            if (end < word.Length && char.IsLowSurrogate(word[end]) && char.IsHighSurrogate(word[end - 1])) continue;
            id = table.Find(word[start..end], hashes[end - start - 1]);
            if (id >= 0) return end;
        }
        return -1;
    }
}
