using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>
/// Offsets are UTF-16 ranges of the original string (our documented definition; the slow HF tokenizer has none,
/// the fast one uses the same convention for these cases). Decode follows HF's _decode + clean_up_tokenization.
/// </summary>
public class OffsetAndDecodeTests
{
    private static readonly string[] V = ["hello", "world", ",", "!", "un", "##aff", "##able", "cafe", "x", "i", "\u1112", "##\u1161", "##\u11AB", "😀", "'", "s", ".", "?"];
    private static readonly BertTokenizer Tok = TinyVocab.Create(V);

    private static (int, int)[] Offsets(string text, bool exact = false) =>
        TinyVocab.Create(V, exactPathOnly: exact).Encode(text, addSpecialTokens: false).Offsets.Select(o => (o.Start, o.End)).ToArray();

    [Theory, InlineData(false), InlineData(true)]
    public void WordsPunctuationAndPieces(bool exact)
    {
        Assert.Equal([(0, 5), (5, 6), (7, 12), (12, 13)], Offsets("Hello, world!", exact));
        Assert.Equal([(2, 4), (4, 7), (7, 11)], Offsets("  unaffable", exact));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void RemovedControlCharInsideAWordIsCovered(bool exact)
    {
        Assert.Equal([(0, 6), (7, 12)], Offsets("hel\u0000lo world\u0002", exact));
        // A removed char joins its neighbours into one word ("helloworld", unknown here): one [UNK] over all of it.
        Assert.Equal([(0, 11)], Offsets("hello\u0001world", exact));
        // Pieces of a word with a removed char: the char belongs to no piece; the piece after it starts past it.
        Assert.Equal([(0, 2), (3, 6), (6, 10), (11, 12)], Offsets("un\u0001affable\u0002!", exact));
    }

    [Fact]
    public void StrippedAccentAndComposedMarkMapToTheirSource()
    {
        // "Cafe" + U+0301: NFC joins e and the mark, NFD + strip drops it; "cafe" still covers all 5 chars.
        Assert.Equal([(0, 5), (6, 7)], Offsets("Cafe\u0301 x"));
        Assert.Equal([(0, 4)], Offsets("CAFÉ"));
    }

    [Fact]
    public void ExpansionsShareTheSourceRange()
    {
        // One Hangul syllable decomposes into three jamo pieces: each covers the syllable.
        Assert.Equal([(1, 2), (1, 2), (1, 2)], Offsets(" \uD55C"));
        // "İ" lower-cases to "i" + U+0307 (then stripped): length changes, range stays the original char.
        Assert.Equal([(0, 1), (2, 3)], Offsets("İ x"));
        // A surrogate pair is one token of two UTF-16 chars.
        Assert.Equal([(1, 3)], Offsets(" 😀"));
        // Conjoining jamo L V T compose under NFC into one syllable: its token covers all three source chars.
        var cased = TinyVocab.Create(["\uD55C"], new BertTokenizerOptions { LowerCase = false });
        Assert.Equal([(1, 4)], cased.Encode(" \u1112\u1161\u11AB", addSpecialTokens: false).Offsets.Select(o => (o.Start, o.End)).ToArray());
    }

    [Fact]
    public void SpecialTokensInTextAndAddedOnes()
    {
        var e = Tok.Encode("x[MASK]x", "hello");
        Assert.Equal([(0, 0), (0, 1), (1, 7), (7, 8), (0, 0), (0, 5), (0, 0)], e.Offsets.Select(o => (o.Start, o.End)).ToArray());
    }

    [Fact]
    public void DecodeJoinsPiecesSkipsSpecialsAndCleansUp()
    {
        var ids = Tok.Encode("unaffable, hello world!").Ids;
        Assert.Equal("unaffable, hello world!", Tok.Decode(ids));
        Assert.Equal("[CLS] unaffable, hello world! [SEP]", Tok.Decode(ids, skipSpecialTokens: false));
        Assert.Equal("unaffable , hello world !", Tok.Decode(ids, cleanUpTokenizationSpaces: false));
    }

    [Fact]
    public void DecodeCleansContractionsAndHandlesUnknownIds()
    {
        // "hello ' s" -> " ' " becomes "'" (HF replaces " ' " before " 's").
        Assert.Equal("hello's.", Tok.Decode(TinyVocab.Ids(V, "hello", "'", "s", ".")));
        // [UNK] is a special token: skipped. An id outside the vocabulary decodes to "[UNK]" even then (HF does the same).
        Assert.Equal("hello", Tok.Decode([TinyVocab.Id(V, "hello"), TinyVocab.Unk]));
        Assert.Equal("hello [UNK]", Tok.Decode([TinyVocab.Id(V, "hello"), 99999]));
        Assert.Equal("", Tok.Decode([]));
    }

    [Fact]
    public void CleanUpTokenizationMatchesHf() =>
        Assert.Equal("a. b? c! d, e'f don't I'm it's we've you're",
            BertTokenizer.CleanUpTokenization("a . b ? c ! d , e ' f do n't I 'm it 's we 've you 're"));
}
