using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>HF's WordpieceTokenizer rules on handmade vocabularies (expected pieces worked out by hand).</summary>
public class WordPieceTests
{
    private static readonly string[] V = ["un", "##aff", "##able", "a", "##a", "ab", "##c", "abc", "##bc", "runn", "##ing", "run"];

    [Theory, InlineData(false), InlineData(true)]
    public void GreedyLongestMatchFirst(bool exact)
    {
        var tok = TinyVocab.Create(V, exactPathOnly: exact);
        Assert.Equal(["un", "##aff", "##able"], tok.Tokenize("unaffable"));
        // Longest first piece wins even when a shorter one would allow a "nicer" split: "runn" + "##ing".
        Assert.Equal(["runn", "##ing"], tok.Tokenize("running"));
        Assert.Equal(["abc"], tok.Tokenize("abc"));
        Assert.Equal(["abc", "##c"], tok.Tokenize("abcc"));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void UnmatchableWordBecomesOneUnk(bool exact)
    {
        var tok = TinyVocab.Create(V, exactPathOnly: exact);
        // "ab" matches, then nothing starts "##x...": HF drops the pieces found so far and emits one [UNK].
        Assert.Equal(["[UNK]"], tok.Tokenize("abx"));
        Assert.Equal(["[UNK]", "un"], tok.Tokenize("zzz un"));
        Assert.Equal(TinyVocab.Ids(V, "[UNK]"), tok.Encode("abx", addSpecialTokens: false).Ids);
    }

    [Theory, InlineData(false), InlineData(true)]
    public void WordsOverOneHundredCharsBecomeUnk(bool exact)
    {
        var tok = TinyVocab.Create(V, exactPathOnly: exact);
        var hundred = tok.Tokenize(new string('a', 100));
        Assert.Equal(100, hundred.Length);
        Assert.Equal("a", hundred[0]);
        Assert.All(hundred.Skip(1), p => Assert.Equal("##a", p));
        Assert.Equal(["[UNK]"], tok.Tokenize(new string('a', 101)));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void CharLimitCountsCodePointsNotUtf16Units(bool exact)
    {
        // 60 emoji are 120 UTF-16 chars but 60 Python chars: under the limit, so WordPiece runs (and finds pieces).
        var tok = TinyVocab.Create(["😀", "##😀"], exactPathOnly: exact);
        var tokens = tok.Tokenize(string.Concat(Enumerable.Repeat("😀", 60)));
        Assert.Equal(60, tokens.Length);
        Assert.Equal(["[UNK]"], tok.Tokenize(string.Concat(Enumerable.Repeat("😀", 101))));
    }

    [Fact]
    public void MaxInputCharsPerWordIsConfigurable()
    {
        var tok = TinyVocab.Create(V, new BertTokenizerOptions { MaxInputCharsPerWord = 3 });
        Assert.Equal(["abc"], tok.Tokenize("abc"));
        Assert.Equal(["[UNK]"], tok.Tokenize("abcc"));
    }

    [Fact]
    public void PieceLookupIsCaseSensitiveWithoutLowerCasing()
    {
        var tok = TinyVocab.Create(V, new BertTokenizerOptions { LowerCase = false });
        Assert.Equal(["[UNK]"], tok.Tokenize("Un"));
        Assert.Equal(["un"], tok.Tokenize("un"));
    }
}
