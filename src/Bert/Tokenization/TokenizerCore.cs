using System.Runtime.Intrinsics;
using System.Text;

namespace Bert.Tokenization;

/// <summary>
/// The whole text-to-ids pipeline of HF's slow BertTokenizer (<c>PreTrainedTokenizer.tokenize</c> +
/// <c>BasicTokenizer</c> + <c>WordpieceTokenizer</c>), streaming tokens with original offsets into a sink.
/// <para>
/// Three paths, each exact. Runs of fast chars (ASCII, precomposed Latin/Greek/Cyrillic, general punctuation:
/// <see cref="FastCharTable"/>) take the fast path (TokenizerCore.Fast.cs: SIMD classification, packed lookups).
/// Otherwise the text is cut into chunks at whitespace and around CJK ideographs: a chunk of pure ASCII (e.g. with a
/// control char) takes the ASCII path (table lookups, on-the-fly lower-casing), any other chunk the exact path:
/// <see cref="TextNormalizer"/> on the whole chunk, then punctuation splitting. Whole chunks, because NFC may join an
/// ASCII char to what follows ("e\u0301" → "é", "&lt;\u0338" → "≮"). The exact path is the oracle of the other two in tests.
/// </para>
/// </summary>
internal sealed partial class TokenizerCore
{
    private readonly WordPiece _wordPiece;
    private readonly SpecialTokenMatcher _special;
    private readonly CharKind[] _ascii;
    private readonly char[] _asciiFold = new char[128];     // lower-cased when lower-casing, else identity
    private readonly int[] _asciiPunctuationIds = new int[128];
    private readonly bool _lowerCase, _stripAccents, _chinese, _cleanText;
    private readonly int _unkId;
    private readonly bool _exactPathOnly, _vectorize;
    private readonly FastCharTable _fastChars;
    private readonly int[] _fastPunctuationIds = new int[FastCharTable.Limit];   // by original char
    private readonly AsciiKeyTable _asciiInitial, _asciiContinuation;

    public TokenizerCore(Vocabulary vocabulary, int unkId, SpecialTokenMatcher special, bool lowerCase, bool stripAccents,
        bool tokenizeChineseChars, bool cleanText, int maxInputCharsPerWord, bool exactPathOnly = false, bool vectorize = true)
    {
        _exactPathOnly = exactPathOnly;
        _vectorize = vectorize && Vector256.IsHardwareAccelerated;
        _wordPiece = new WordPiece(vocabulary, unkId, maxInputCharsPerWord);
        _special = special;
        _unkId = unkId;
        _lowerCase = lowerCase;
        _stripAccents = stripAccents;
        _chinese = tokenizeChineseChars;
        _cleanText = cleanText;
        _ascii = CharClass.AsciiTable(cleanText);
        for (int c = 0; c < 128; c++)
        {
            _asciiFold[c] = lowerCase && c >= 'A' && c <= 'Z' ? (char)(c + 32) : (char)c;
            _asciiPunctuationIds[c] = _ascii[c] == CharKind.Punctuation ? _wordPiece.SingleCharId((char)c) : unkId;
        }
        _fastChars = FastCharTable.For(lowerCase, stripAccents, cleanText, tokenizeChineseChars);
        for (int c = 0; c < FastCharTable.Limit; c++)
            _fastPunctuationIds[c] = _fastChars.Kind((char)c) == FastKind.Punctuation ? _wordPiece.SingleCharId(_fastChars.Mapped((char)c)) : unkId;
        _asciiInitial = vocabulary.AsciiInitial;
        _asciiContinuation = vocabulary.AsciiContinuation;
    }

    /// <summary>Tokenises <paramref name="text"/>; offsets are indices into it. Returns false if the sink stopped early.</summary>
    public bool Tokenize<TSink>(ReadOnlySpan<char> text, ref TSink sink) where TSink : ITokenSink, allows ref struct
    {
        TokenizerScratch? scratch = null;   // fetched only by the paths that need it (a thread-static read is not free)
        try
        {
            int pos = 0;
            while (pos < text.Length)
            {
                int at = _special.FindNext(text, pos, out int length, out int id);
                int segmentEnd = at < 0 ? text.Length : at;
                if (!TokenizeSegment(text[..segmentEnd], pos, ref scratch, ref sink)) return false;
                if (at < 0) break;
                if (!sink.Add(id, at, at + length)) return false;
                pos = at + length;
            }
            return true;
        }
        finally
        {
            if (text.Length > 1 << 16) scratch?.TrimLarge();
        }
    }

    /// <summary>Text between special tokens: chunks at whitespace/CJK, each by the fast or the exact path.</summary>
    private bool TokenizeSegment<TSink>(ReadOnlySpan<char> text, int i, ref TokenizerScratch? scratch, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        while (i < text.Length)
        {
            char c = text[i];
            if (!_exactPathOnly && _fastChars.Kind(c) != FastKind.None)
            {
                int next = FastRun(text, i, ref scratch, ref sink, out bool stopped);
                if (stopped) return false;
                if (next > i)
                {
                    i = next;
                    continue;
                }
            }
            if (c < 128 && !_exactPathOnly)
            {
                if (_ascii[c] == CharKind.Space) { i++; continue; }
                // Why scalar: English chunks are a few chars long, shorter than a vector's setup cost.
                int end = i + 1;
                while (end < text.Length && text[end] is var d && d < 128 && _ascii[d] != CharKind.Space) end++;
                if (end == text.Length || text[end] < 128 || SeparatesAt(text, end))
                {
                    if (!AsciiChunk(text, i, end, Scratch(ref scratch), ref sink)) return false;
                    i = end;
                    continue;
                }
            }
            if (!ExactChunk(text, ref i, Scratch(ref scratch), ref sink)) return false;
        }
        return true;
    }

    /// <summary>The calling thread's scratch, fetched on first use within one call.</summary>
    private TokenizerScratch Scratch(ref TokenizerScratch? scratch) => scratch ??= TokenizerScratch.Get(_wordPiece.MaxInputCharsPerWord);

    /// <summary>Whether the non-ASCII code point at <paramref name="i"/> ends a chunk (whitespace or CJK).</summary>
    private bool SeparatesAt(ReadOnlySpan<char> text, int i)
    {
        var kind = CharClass.Classify(CodePointAt(text, i, out _), _cleanText, _chinese);
        return kind is CharKind.Space or CharKind.Cjk;
    }

    /// <summary>Fast path: an ASCII chunk with no whitespace in [start, end).</summary>
    private bool AsciiChunk<TSink>(ReadOnlySpan<char> text, int start, int end, TokenizerScratch scratch, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        var word = scratch.Word;
        int n = 0, first = 0;
        bool removed = false;   // a dropped control char inside the word: offsets are then rebuilt by a rescan
        uint hash = SpanTable.Seed;
        for (int j = start; j < end; j++)
        {
            char c = text[j];
            var kind = _ascii[c];
            if (kind == CharKind.Word)
            {
                if (n < word.Length)
                {
                    char folded = _asciiFold[c];
                    word[n] = folded;
                    hash = SpanTable.Step(hash, folded);
                }
                if (n == 0) first = j;
                n++;
            }
            else if (kind == CharKind.Punctuation)
            {
                if (n > 0 && !AsciiWord(text, n, first, j, removed, hash, scratch, ref sink)) return false;
                n = 0;
                removed = false;
                hash = SpanTable.Seed;
                if (!sink.Add(_asciiPunctuationIds[c], j, j + 1)) return false;
            }
            else if (n > 0)
            {
                removed = true;   // CharKind.Removed: dropped without splitting the word, as _clean_text does
            }
        }
        return n == 0 || AsciiWord(text, n, first, end, removed, hash, scratch, ref sink);
    }

    /// <summary>One ASCII word of <paramref name="n"/> chars starting at <paramref name="first"/> and ending before <paramref name="limit"/>.</summary>
    private bool AsciiWord<TSink>(ReadOnlySpan<char> text, int n, int first, int limit, bool removed, uint hash,
        TokenizerScratch scratch, ref TSink sink) where TSink : ITokenSink, allows ref struct
    {
        int last = first + n - 1;
        if (removed)
        {
            last = limit - 1;
            while (_ascii[text[last]] != CharKind.Word) last--;
        }
        if (n > _wordPiece.MaxInputCharsPerWord) return sink.Add(_unkId, first, last + 1);
        var word = scratch.Word.AsSpan(0, n);
        int id = _wordPiece.WholeWordId(word, hash);
        if (id >= 0) return sink.Add(id, first, last + 1);
        // Why only now: most words are whole tokens, so the per-char offsets are built only for words that split.
        var starts = scratch.WordStarts;
        var ends = scratch.WordEnds;
        for (int j = first, k = 0; k < n; j++)
        {
            if (_ascii[text[j]] != CharKind.Word) continue;
            starts[k] = j;
            ends[k] = j + 1;
            k++;
        }
        return _wordPiece.Encode(word, n, starts, ends, scratch.Pieces, ref sink);
    }

    /// <summary>The code point at <paramref name="i"/> (a lone surrogate is returned as itself) and its UTF-16 width.</summary>
    private static int CodePointAt(ReadOnlySpan<char> text, int i, out int width)
    {
        char c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, text[i + 1]);
        }
        width = 1;
        return c;
    }
}
