using System.Globalization;
using System.Runtime.CompilerServices;

namespace Bert.Tokenization;

/// <summary>What the basic tokenizer does with one code point (before normalisation).</summary>
internal enum CharKind : byte
{
    /// <summary>Part of a word (letters, digits, marks, symbols that are not punctuation, ...).</summary>
    Word,
    /// <summary>A punctuation character: always a word of its own.</summary>
    Punctuation,
    /// <summary>Separates words and is dropped.</summary>
    Space,
    /// <summary>Dropped without separating words (NUL, U+FFFD, categories Cc Cf Cs Co Cn except \t \n \r).</summary>
    Removed,
    /// <summary>A CJK ideograph (HF's ranges): a word of its own when Chinese characters are tokenised.</summary>
    Cjk,
}

/// <summary>
/// HF's character predicates from <c>tokenization_utils.py</c> / <c>tokenization_bert.py</c>, by code point:
/// <c>_is_whitespace</c> (space, \t, \n, \r, category Zs), <c>_is_control</c> (category C* except \t \n \r),
/// <c>_is_punctuation</c> (ASCII 33–47, 58–64, 91–96, 123–126, or category P*), <c>_is_chinese_char</c>.
/// U+2028 and U+2029 also separate words: <c>_clean_text</c> keeps them but Python's <c>str.split()</c> splits on them.
/// </summary>
internal static class CharClass
{
    // Why a table: the ASCII fast path classifies every char with one load instead of a category lookup.
    private static readonly CharKind[] s_asciiClean = BuildAscii(cleanText: true);
    private static readonly CharKind[] s_asciiRaw = BuildAscii(cleanText: false);

    /// <summary>ASCII classification table (128 entries) for the given clean_text setting.</summary>
    public static CharKind[] AsciiTable(bool cleanText) => cleanText ? s_asciiClean : s_asciiRaw;

    /// <summary>Classifies a code point as HF's basic tokenizer sees it in the original text.</summary>
    /// <param name="codePoint">Scalar value, or a lone surrogate value (0xD800–0xDFFF).</param>
    /// <param name="cleanText">Whether <c>_clean_text</c> runs (always in the slow tokenizer).</param>
    /// <param name="chinese">Whether <c>_tokenize_chinese_chars</c> runs.</param>
    public static CharKind Classify(int codePoint, bool cleanText, bool chinese)
    {
        if (codePoint < 128) return AsciiTable(cleanText)[codePoint];
        if (chinese && IsChineseChar(codePoint)) return CharKind.Cjk;
        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        if (category is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            return CharKind.Space;
        // Without clean_text, Python's str.split() still separates on U+0085 (the only non-ASCII C* char it treats as space).
        if (!cleanText && codePoint == 0x85) return CharKind.Space;
        // Lone surrogates (and the noncharacter U+FFFE) are removed even without clean_text: .NET's Unicode
        // normalisation throws on them. Python would keep them; Rust strings (where clean_text can be off) cannot hold surrogates.
        if (category == UnicodeCategory.Surrogate || codePoint == 0xFFFE) return CharKind.Removed;
        if (cleanText && (codePoint == 0xFFFD || IsControlCategory(category))) return CharKind.Removed;
        return IsPunctuationCategory(category) ? CharKind.Punctuation : CharKind.Word;
    }

    /// <summary>Kind of a character produced by normalisation (only punctuation and whitespace split there).</summary>
    public static CharKind ClassifyNormalized(int codePoint)
    {
        if (codePoint < 128)
        {
            var kind = s_asciiRaw[codePoint];
            return kind == CharKind.Removed ? CharKind.Word : kind;
        }
        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        if (category is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            return CharKind.Space;
        return IsPunctuationCategory(category) ? CharKind.Punctuation : CharKind.Word;
    }

    /// <summary>HF's <c>_is_chinese_char</c>: the CJK Unified Ideographs blocks and their extensions A–E plus compatibility ideographs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsChineseChar(int cp) =>
        (cp >= 0x4E00 && cp <= 0x9FFF) ||
        (cp >= 0x3400 && cp <= 0x4DBF) ||
        (cp >= 0x20000 && cp <= 0x2A6DF) ||
        (cp >= 0x2A700 && cp <= 0x2B73F) ||
        (cp >= 0x2B740 && cp <= 0x2B81F) ||
        (cp >= 0x2B820 && cp <= 0x2CEAF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0x2F800 && cp <= 0x2FA1F);

    /// <summary>HF's <c>_is_punctuation</c> for any code point.</summary>
    public static bool IsPunctuation(int cp) =>
        (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126) ||
        IsPunctuationCategory(CharUnicodeInfo.GetUnicodeCategory(cp));

    private static bool IsPunctuationCategory(UnicodeCategory c) => c is UnicodeCategory.ConnectorPunctuation
        or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
        or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    // Python's category().startswith("C"): Cc, Cf, Cs, Co, Cn.
    private static bool IsControlCategory(UnicodeCategory c) => c is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    private static CharKind[] BuildAscii(bool cleanText)
    {
        var table = new CharKind[128];
        for (int c = 0; c < 128; c++)
        {
            if (c is ' ' or '\t' or '\n' or '\r') table[c] = CharKind.Space;
            else if (c < 32 || c == 127)
                // clean_text drops them; otherwise Python's split() treats \x0b \x0c \x1c-\x1f as spaces and the rest as word chars.
                table[c] = cleanText ? CharKind.Removed : (c is 0x0B or 0x0C or >= 0x1C and <= 0x1F ? CharKind.Space : CharKind.Word);
            else if (IsPunctuation(c)) table[c] = CharKind.Punctuation;
            else table[c] = CharKind.Word;
        }
        if (cleanText) table[0] = CharKind.Removed;
        return table;
    }
}
