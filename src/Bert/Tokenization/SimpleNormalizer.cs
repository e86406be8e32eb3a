using System.Globalization;
using System.Text;

namespace Bert.Tokenization;

/// <summary>
/// Table-driven NFC/NFD for words made only of "simple" chars below U+0530 (Latin, IPA, Greek, Cyrillic) or in
/// U+2000–U+20CF (general punctuation: curly quotes, dashes, ellipsis; currency signs): chars that are their own NFC
/// and are not combining marks. No char of either range is the second element of a canonical composition pair, so
/// adjacent simple chars never compose. For such text NFC is the identity and NFD is the concatenation of
/// per-char NFDs (verified for every pair of simple chars when this table was designed). Why: .NET's ICU
/// normalisation allocates ~96 bytes per call, and the span API must not allocate for common European text.
/// </summary>
internal static class SimpleNormalizer
{
    private const int Limit = 0x20D0;
    private const int LowEnd = 0x530, PunctuationStart = 0x2000;
    private static readonly bool[] s_simple = new bool[Limit];
    private static readonly string?[] s_stripped = new string?[Limit];   // NFD minus Mn, when it differs from the char

    static SimpleNormalizer()
    {
        for (int c = 0; c < Limit; c++)
        {
            if (c is >= LowEnd and < PunctuationStart) continue;   // scripts with composing starters (Hangul jamo, Indic)
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark) continue;
            string s = ((char)c).ToString();
            if (s.Normalize(NormalizationForm.FormC) != s) continue;
            s_simple[c] = true;
            var stripped = new StringBuilder();
            foreach (char d in s.Normalize(NormalizationForm.FormD))
                if (CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark) stripped.Append(d);
            if (stripped.ToString() != s) s_stripped[c] = stripped.ToString();
        }
    }

    /// <summary>
    /// Whether every char of <paramref name="text"/> is simple (then NFC is the identity). Emoji U+1F000–U+1FAFF count
    /// as simple too: none has a decomposition, none is a mark, and no decomposition contains one.
    /// </summary>
    public static bool IsSimple(ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < Limit && s_simple[c]) continue;
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

    /// <summary>Whether <paramref name="c"/> alone is simple (its own NFC, not a combining mark, in the table's ranges).</summary>
    public static bool IsSimpleChar(char c) => c < Limit && s_simple[c];

    /// <summary>HF's <c>_run_strip_accents</c> of one simple char: its NFD without category Mn.</summary>
    public static string StripAccents(char c) => c < Limit && s_stripped[c] is { } replacement ? replacement : c.ToString();

    /// <summary>HF's <c>_run_strip_accents</c> on simple text: each char replaced by its NFD without Mn.</summary>
    public static void StripAccents(MappedText src, MappedText dst)
    {
        dst.Clear();
        dst.EnsureCapacity(2 * src.Length);
        for (int i = 0; i < src.Length; i++)
        {
            char c = src.Chars[i];
            if (c < Limit && s_stripped[c] is { } replacement) dst.Append(replacement, src.Starts[i], src.Ends[i]);
            else dst.Append(c, src.Starts[i], src.Ends[i]);
        }
    }
}
