using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>
/// One rule of HF's BasicTokenizer per test. Expected tokens are worked out by hand from HF's
/// tokenization_bert.py / tokenization_utils.py. Every test runs on the ASCII fast path and on the exact path.
/// </summary>
public class BasicTokenizationTests
{
    private static readonly string[] V =
    [
        "hello", "world", "un", "##aff", "##able", ".", ",", "!", "$", "+", "^", "`", "~", "|", "<", "[", "]",
        "cafe", "café", "Cafe", "中", "国", "Hello", "'", "s", "-", "—", "«", "»", "é", "e", "i", "≮", "x", "y", "ab", "##c",
        "😀", "한", "\u1112", "##\u1161", "##\u11AB", "ασ", "ας", "σ", "mask", "hel", "##lo", "€",
    ];

    private static string[] Tok(string text, bool exact, BertTokenizerOptions? options = null) =>
        TinyVocab.Create(V, options, exact).Tokenize(text);

    [Theory, InlineData(false), InlineData(true)]
    public void TabNewlineAndCarriageReturnSeparateWords(bool exact) =>
        Assert.Equal(["hello", "world", "hello", "world", "hello"], Tok("hello\tworld\nhello\rworld\r\nhello", exact));

    [Theory, InlineData(false), InlineData(true)]
    public void UnicodeSpacesSeparateWords(bool exact)
    {
        // NBSP, ideographic space, em space, narrow NBSP are Zs; U+2028/U+2029 are split on by Python's str.split().
        Assert.Equal(["hello", "world", "hello", "world", "hello", "world", "hello"],
            Tok("hello\u00A0world\u3000hello\u2003world\u202Fhello\u2028world\u2029hello", exact));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void ControlAndFormatCharsAreRemovedWithoutSplitting(bool exact)
    {
        // _clean_text drops NUL, U+FFFD and category C* (here Cc U+0001/U+007F/U+0085, Cf U+200B/U+00AD) in place.
        Assert.Equal(["hello", "world"], Tok("hel\u0000lo wor\u200Bld \uFFFD \u0001\u007F\u0085", exact));
        Assert.Equal(["hello"], Tok("hel\u00ADlo", exact));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void CjkIdeographsBecomeSingleCharWords(bool exact)
    {
        Assert.Equal(["中", "国"], Tok("中国", exact));
        Assert.Equal(["hello", "中", "world"], Tok("hello中world", exact));
        // Hiragana is not in HF's CJK ranges: it stays inside its word (here unknown).
        Assert.Equal(["[UNK]"], Tok("ぁぁ", exact));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void ChineseCharsStayInWordsWhenDisabled(bool exact) =>
        Assert.Equal(["[UNK]"], Tok("中国", exact, new BertTokenizerOptions { TokenizeChineseChars = false }));

    [Theory, InlineData(false), InlineData(true)]
    public void LowerCasing(bool exact)
    {
        Assert.Equal(["hello", "world"], Tok("HELLO World", exact));
        var cased = new BertTokenizerOptions { LowerCase = false };
        Assert.Equal(["Hello", "[UNK]"], Tok("Hello HELLO", exact, cased));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void AccentsAreStrippedWhenLowerCasingByDefault(bool exact)
    {
        Assert.Equal(["cafe", "cafe", "cafe"], Tok("Café CAFÉ cafe\u0301", exact));
        Assert.Equal(["e"], Tok("\u00E9", exact));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void StripAccentsFalseKeepsAccentsWhileLowerCasing(bool exact)
    {
        var options = new BertTokenizerOptions { StripAccents = false };
        // NFC composes "e" + U+0301 into "é" before WordPiece.
        Assert.Equal(["café", "café", "café"], Tok("Café CAFÉ cafe\u0301", exact, options));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void NoLowerCaseKeepsAccentsUnlessAskedToStrip(bool exact)
    {
        Assert.Equal(["café", "Cafe"], Tok("café Cafe", exact, new BertTokenizerOptions { LowerCase = false }));
        Assert.Equal(["cafe", "Cafe"], Tok("café Café", exact, new BertTokenizerOptions { LowerCase = false, StripAccents = true }));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void PunctuationIncludingAsciiSymbolsIsSplitOff(bool exact)
    {
        Assert.Equal(["hello", ",", "world", "!"], Tok("hello,world!", exact));
        // $ + ^ ` ~ | < are not Unicode P* but HF counts all non-alphanumeric ASCII as punctuation.
        Assert.Equal(["$", "+", "^", "`", "~", "|", "<"], Tok("$+^`~|<", exact));
        Assert.Equal(["«", "hello", "»", "—", "world"], Tok("«hello»—world", exact));
        // € is Sc (a symbol, not punctuation): it stays in the word.
        Assert.Equal(["[UNK]", "€"], Tok("hello€ €", exact));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void NfcRunsBeforePunctuationSplitting(bool exact)
    {
        // "<" + U+0338 composes to "≮" (Sm), which is not punctuation: one word, not "<" and a mark.
        Assert.Equal(["≮"], Tok("<\u0338", exact, new BertTokenizerOptions { LowerCase = false }));
        Assert.Equal(["é"], Tok("e\u0301", exact, new BertTokenizerOptions { LowerCase = false }));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void LoneCombiningMarkVanishesWhenStripping(bool exact) => Assert.Equal(["x"], Tok("\u0301 x \u0301\u0301", exact));

    [Theory, InlineData(false), InlineData(true)]
    public void DottedCapitalILowerCasesToIWithDot(bool exact)
    {
        // Python: "İ".lower() == "i\u0307"; stripping removes the dot, keeping it gives an unknown word.
        Assert.Equal(["i"], Tok("İ", exact));
        Assert.Equal(["[UNK]"], Tok("İ", exact, new BertTokenizerOptions { StripAccents = false }));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void SigmaIsLowerCasedCharByCharWithoutFinalForm(bool exact)
    {
        // HF pre-lower-cases the text one char at a time (regex in tokenize()), so "ΑΣ" gives "ασ", never "ας".
        Assert.Equal(["ασ", "σ"], Tok("ΑΣ Σ", exact));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void HangulDecomposesIntoJamoWhenStripping(bool exact)
    {
        Assert.Equal(["\u1112", "##\u1161", "##\u11AB"], Tok("\uD55C", exact));
        Assert.Equal(["한"], Tok("\uD55C", exact, new BertTokenizerOptions { LowerCase = false }));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void EmojiAreWordChars(bool exact) => Assert.Equal(["😀", "[UNK]"], Tok("😀 x😀", exact));

    [Theory, InlineData(false), InlineData(true)]
    public void SpecialTokensAreNeverSplitNorLowerCased(bool exact)
    {
        Assert.Equal(["hello", "[MASK]", "world"], Tok("hello [MASK] world", exact));
        Assert.Equal(["hello", "[MASK]", "world", "[SEP]"], Tok("hello[MASK]world[SEP]", exact));
        // Matching is exact: lower-case look-alikes are ordinary text, split on punctuation.
        Assert.Equal(["[", "mask", "]"], Tok("[mask]", exact));
        Assert.Equal(["[", "mask", "[CLS]"], Tok("[MASK[CLS]", exact));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void CleanTextOffKeepsControlChars(bool exact)
    {
        var options = new BertTokenizerOptions { CleanText = false };
        Assert.Equal(["[UNK]"], Tok("hel\u0001lo", exact, options));
        Assert.Equal(["hello", "world"], Tok("hello\tworld", exact, options));
    }

    [Fact]
    public void EmptyAndWhitespaceOnlyTextsHaveNoTokens()
    {
        Assert.Empty(Tok("", false));
        Assert.Empty(Tok(" \t\n\u00A0\u3000\u0000\u200B", false));
        Assert.Empty(Tok(" \t\n\u00A0\u3000\u0000\u200B", true));
    }
}
