using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Bert.Tokenization;

/// <summary>
/// Table-driven NFC/NFD for text made only of "simple" chars: BMP chars that are their own NFC, are not marks (Mn, Mc,
/// Me), not Hangul jamo, not surrogates and not unassigned, and whose NFD starts with a starter. Why this is exact:
/// every char that can be the second of a canonical composition pair (NFC_QC = Maybe) is a mark or a Hangul vowel or
/// trailing jamo, so adjacent simple chars never compose and NFC is the identity (the quick-check theorem of UAX #15);
/// and as each simple char's NFD begins with a starter, no canonical reordering crosses two chars, so NFD is the
/// concatenation of per-char NFDs. The tests check both claims against ICU (every code point's NFD, random strings).
/// Why: .NET's ICU normalisation allocates ~96 bytes per call, and the span API must not allocate for text in
/// Latin, Greek, Cyrillic, Armenian, Hebrew and Arabic letters, kana, Hangul syllables, punctuation and symbols.
/// Tables are built per 256-char page on first use (three ICU calls per char, once per process).
/// </summary>
internal static class SimpleNormalizer
{
    private static readonly Page?[] s_pages = new Page?[256];

    private sealed class Page
    {
        public readonly bool[] Simple = new bool[256];
        public readonly string?[] Stripped = new string?[256];   // NFD minus Mn, when it differs from the char
        public readonly bool[] Droppable = new bool[256];        // category Mn and its NFD all Mn: gone after strip accents
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Page PageOf(char c) => Volatile.Read(ref s_pages[c >> 8]) ?? BuildPage(c >> 8);

    private static Page BuildPage(int index)
    {
        var page = new Page();
        for (int k = 0; k < 256; k++)
        {
            char c = (char)(index << 8 | k);
            page.Droppable[k] = IsDroppableMark(c);
            if (!Qualifies(c)) continue;
            page.Simple[k] = true;
            string s = c.ToString();
            var stripped = new StringBuilder();
            foreach (char d in s.Normalize(NormalizationForm.FormD))
                if (CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark) stripped.Append(d);
            if (stripped.ToString() != s) page.Stripped[k] = stripped.ToString();
        }
        Interlocked.CompareExchange(ref s_pages[index], page, null);   // a racing thread built the same page: keep either
        return s_pages[index]!;
    }

    private static bool IsDroppableMark(char c) =>
        !char.IsSurrogate(c) && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark &&
        c.ToString().Normalize(NormalizationForm.FormD).All(d => CharUnicodeInfo.GetUnicodeCategory(d) == UnicodeCategory.NonSpacingMark);

    private static bool Qualifies(char c)
    {
        if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF') return false;
        if (c is >= '\u1100' and <= '\u11FF' or >= '\uA960' and <= '\uA97F' or >= '\uD7B0' and <= '\uD7FF') return false;   // jamo
        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.OtherNotAssigned) return false;
        string s = c.ToString();
        if (s.Normalize(NormalizationForm.FormC) != s) return false;
        // NFD starts with a starter: after a mark of the highest combining class (U+0345, 240) nothing is reordered.
        const string probe = "a\u0345";
        return (probe + s).Normalize(NormalizationForm.FormD) == probe + s.Normalize(NormalizationForm.FormD);
    }

    /// <summary>
    /// Whether every char of <paramref name="text"/> is simple (then NFC is the identity). Emoji U+1F000–U+1FAFF count
    /// as simple too: none has a decomposition, none is a mark, and no decomposition contains one.
    /// </summary>
    public static bool IsSimple(ReadOnlySpan<char> text) => AllSimple(text, allowDroppableMarks: false);

    /// <summary>
    /// Whether <paramref name="text"/> is simple chars, emoji and non-spacing marks whose NFD is only non-spacing marks.
    /// Then NFD(NFC(text)) without Mn (HF's NFC, then accent stripping) is the per-char NFD of the simple chars without
    /// Mn, the marks dropped: NFD(NFC(x)) = NFD(x), and canonical reordering only moves the dropped marks (every simple
    /// char's NFD starts with a starter). Offsets are not the exact path's: ICU's path gives a base char the range of its
    /// marks only when NFC changes the text.
    /// </summary>
    public static bool IsSimpleWithDroppableMarks(ReadOnlySpan<char> text) => AllSimple(text, allowDroppableMarks: true);

    // Every char simple (or, when allowed, a droppable mark), emoji U+1F000–U+1FAFF included.
    private static bool AllSimple(ReadOnlySpan<char> text, bool allowDroppableMarks)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            var page = PageOf(c);
            if (page.Simple[c & 255] || (allowDroppableMarks && page.Droppable[c & 255])) continue;
            // U+1F000..U+1FAFF is high surrogate U+D83C..U+D83E followed by any low surrogate (U+1FB00+ excluded below).
            if (c is >= '\uD83C' and <= '\uD83E' && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) &&
                char.ConvertToUtf32(c, text[i + 1]) < 0x1FB00)
            {
                i++;
                continue;
            }
            return false;
        }
        return true;
    }

    /// <summary>HF's <c>_run_strip_accents</c> on text passing <see cref="IsSimpleWithDroppableMarks"/>.</summary>
    public static void StripAccentsDroppingMarks(MappedText src, MappedText dst)
    {
        dst.Clear();
        dst.EnsureCapacity(2 * src.Length);
        for (int i = 0; i < src.Length; i++)
        {
            char c = src.Chars[i];
            var page = PageOf(c);
            if (page.Droppable[c & 255]) continue;
            if (page.Stripped[c & 255] is { } replacement) dst.Append(replacement, src.Starts[i], src.Ends[i]);
            else dst.Append(c, src.Starts[i], src.Ends[i]);
        }
    }

    /// <summary>Whether <paramref name="c"/> alone is simple (see the class remarks).</summary>
    public static bool IsSimpleChar(char c) => PageOf(c).Simple[c & 255];

    /// <summary>HF's <c>_run_strip_accents</c> of one simple char: its NFD without category Mn.</summary>
    public static string StripAccents(char c) => PageOf(c).Stripped[c & 255] ?? c.ToString();

    /// <summary>HF's <c>_run_strip_accents</c> on simple text: each char replaced by its NFD without Mn.</summary>
    public static void StripAccents(MappedText src, MappedText dst)
    {
        dst.Clear();
        dst.EnsureCapacity(2 * src.Length);   // more only for Hangul (2–3 jamo per syllable): Append grows then
        for (int i = 0; i < src.Length; i++)
        {
            char c = src.Chars[i];
            if (PageOf(c).Stripped[c & 255] is { } replacement) dst.Append(replacement, src.Starts[i], src.Ends[i]);
            else dst.Append(c, src.Starts[i], src.Ends[i]);
        }
    }
}
