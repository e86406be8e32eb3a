using System.Text;

namespace Bert.Tokenization;

/// <summary>What the fast path does with one char of the original text.</summary>
internal enum FastKind : byte
{
    /// <summary>Not handled by the fast path: the chunk holding it takes the exact path.</summary>
    None,
    /// <summary>Part of a word; its normalised form is <see cref="FastCharTable.Mapped"/>.</summary>
    Word,
    /// <summary>Normalises to one punctuation char: a token of its own.</summary>
    Punctuation,
    /// <summary>Whitespace: separates words and is dropped.</summary>
    Space,
}

/// <summary>
/// The basic tokenizer's per-char work, precomputed for every char below U+20D0 under one setting of lower-casing,
/// accent stripping, clean_text and CJK splitting: kind in the original text, then lower-case, then NFD without Mn,
/// then punctuation or not. A char is fast only when that gives exactly one simple char (see
/// <see cref="SimpleNormalizer"/>) and it is neither removed by clean_text nor CJK nor NUL. Why this is exact: in a
/// chunk (text between separators) made only of fast chars, NFC is the identity and lower-casing and accent
/// stripping act char by char (<see cref="SimpleNormalizer"/>), so the exact path's output for the chunk is the
/// concatenation of these per-char results, one output char per input char (offsets are then the identity).
/// </summary>
internal sealed class FastCharTable
{
    /// <summary>Chars at or above this are never fast.</summary>
    public const int Limit = 0x20D0;

    private static readonly FastCharTable?[] s_cache = new FastCharTable?[16];
    private readonly uint[] _entries = new uint[Limit];   // kind << 16 | normalised char

    private FastCharTable(bool lowerCase, bool stripAccents, bool cleanText, bool chinese)
    {
        for (int c = 0; c < Limit; c++)
        {
            var (kind, mapped) = Plan((char)c, lowerCase, stripAccents, cleanText, chinese);
            _entries[c] = (uint)kind << 16 | mapped;
        }
    }

    /// <summary>The (shared, immutable) table for one setting.</summary>
    public static FastCharTable For(bool lowerCase, bool stripAccents, bool cleanText, bool chinese)
    {
        int index = (lowerCase ? 1 : 0) | (stripAccents ? 2 : 0) | (cleanText ? 4 : 0) | (chinese ? 8 : 0);
        if (Volatile.Read(ref s_cache[index]) is { } table) return table;
        table = new FastCharTable(lowerCase, stripAccents, cleanText, chinese);   // a race builds it twice: harmless
        Volatile.Write(ref s_cache[index], table);
        return table;
    }

    /// <summary>Raw entry of a char below <see cref="Limit"/>: kind in bits 16–23, normalised char in bits 0–15.</summary>
    public ReadOnlySpan<uint> Entries => _entries;

    /// <summary>Kind of <paramref name="c"/> (<see cref="FastKind.None"/> from <see cref="Limit"/> up).</summary>
    public FastKind Kind(char c) => c < Limit ? (FastKind)(_entries[c] >> 16) : FastKind.None;

    /// <summary>Normalised form of a fast <paramref name="c"/>.</summary>
    public char Mapped(char c) => (char)_entries[c];

    private static (FastKind, char) Plan(char c, bool lowerCase, bool stripAccents, bool cleanText, bool chinese)
    {
        if (c == '\0') return (FastKind.None, c);   // NUL would make packed keys ambiguous (AsciiKeyTable)
        switch (CharClass.Classify(c, cleanText, chinese))
        {
            case CharKind.Space: return (FastKind.Space, c);
            case CharKind.Removed or CharKind.Cjk: return (FastKind.None, c);
        }
        if (!SimpleNormalizer.IsSimpleChar(c)) return (FastKind.None, c);
        // As TextNormalizer.LowerCase: Rune.ToLowerInvariant, except U+0130 (two chars, so not fast).
        char lowered = c;
        if (lowerCase)
        {
            if (c == '\u0130' || !Rune.IsValid(c)) return (FastKind.None, c);
            var lower = Rune.ToLowerInvariant(new Rune(c));
            if (lower.Utf16SequenceLength != 1) return (FastKind.None, c);
            lowered = (char)lower.Value;
        }
        if (!SimpleNormalizer.IsSimpleChar(lowered)) return (FastKind.None, c);
        string mapped = stripAccents ? SimpleNormalizer.StripAccents(lowered) : lowered.ToString();
        if (mapped.Length != 1 || mapped[0] == '\0') return (FastKind.None, c);
        return CharClass.ClassifyNormalized(mapped[0]) switch
        {
            CharKind.Word => (FastKind.Word, mapped[0]),
            CharKind.Punctuation => (FastKind.Punctuation, mapped[0]),
            _ => (FastKind.None, c),
        };
    }
}
