using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>
/// HF fast tokenizer <c>return_overflowing_tokens=True</c> with <c>stride</c>: window k of the cut text covers tokens
/// [k·(w − stride), k·(w − stride) + w), the last is the first that reaches the end. Expected windows are written out by hand.
/// </summary>
public class OverflowTests
{
    private static readonly string[] V = ["a", "b", "c", "d", "e", "f", "g", "q", "r", "##x", "##y"];
    private static readonly BertTokenizer Tok = TinyVocab.Create(V);
    private static int[] Ids(params string[] t) => TinyVocab.Ids(V, t);

    [Fact]
    public void SingleTextWindowsShareStrideTokens()
    {
        // 7 tokens, maxLength 6 => w = 4 text tokens per window, step 4 - 1 = 3: [0,4) [3,7).
        var windows = Tok.EncodeWithOverflow("a b c d e f g", stride: 1, maxLength: 6);
        Assert.Equal(2, windows.Count);
        Assert.Equal(Ids("[CLS]", "a", "b", "c", "d", "[SEP]"), windows[0].Ids);
        Assert.Equal(Ids("[CLS]", "d", "e", "f", "g", "[SEP]"), windows[1].Ids);
        Assert.Equal([(0, 0), (6, 7), (8, 9), (10, 11), (12, 13), (0, 0)], windows[1].Offsets);
        Assert.Equal([-1, 3, 4, 5, 6, -1], windows[1].WordIds);   // HF keeps the whole text's word numbering
        Assert.Equal([1, 0, 0, 0, 0, 1], windows[1].SpecialTokensMask);
        Assert.Equal(3, windows[1].TruncatedTokenCount);
    }

    [Fact]
    public void LastWindowIsTheFirstThatReachesTheEnd()
    {
        // 7 tokens, w = 3, stride 0: [0,3) [3,6) [6,7).
        var windows = Tok.EncodeWithOverflow("a b c d e f g", stride: 0, maxLength: 5);
        Assert.Equal(3, windows.Count);
        Assert.Equal(Ids("[CLS]", "g", "[SEP]"), windows[2].Ids);
        // 6 tokens, w = 3, stride 1 => step 2: [0,3) [2,5) [4,6); [4,6) reaches the end, so no fourth window.
        var six = Tok.EncodeWithOverflow("a b c d e f", stride: 1, maxLength: 5);
        Assert.Equal(3, six.Count);
        Assert.Equal(Ids("[CLS]", "e", "f", "[SEP]"), six[2].Ids);
    }

    [Fact]
    public void TextThatFitsIsOneUntruncatedEncoding()
    {
        var windows = Tok.EncodeWithOverflow("a b c", stride: 1, maxLength: 5);
        Assert.Single(windows);
        Assert.Equal(Tok.Encode("a b c").Ids, windows[0].Ids);
        Assert.Equal(0, windows[0].TruncatedTokenCount);
    }

    [Fact]
    public void OnlySecondKeepsTheQuestionWholeInEveryWindow()
    {
        // Question "q r" (2 tokens), context 7 tokens, maxLength 8 => w = 8 - 3 - 2 = 3, stride 1 => step 2:
        // [0,3) [2,5) [4,7).
        var windows = Tok.EncodeWithOverflow("q r", "a b c d e f g", stride: 1, truncation: TruncationStrategy.OnlySecond, maxLength: 8);
        Assert.Equal(3, windows.Count);
        Assert.Equal(Ids("[CLS]", "q", "r", "[SEP]", "a", "b", "c", "[SEP]"), windows[0].Ids);
        Assert.Equal(Ids("[CLS]", "q", "r", "[SEP]", "c", "d", "e", "[SEP]"), windows[1].Ids);
        Assert.Equal(Ids("[CLS]", "q", "r", "[SEP]", "e", "f", "g", "[SEP]"), windows[2].Ids);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], windows[1].TypeIds);
        Assert.Equal([-1, 0, 0, -1, 1, 1, 1, -1], windows[1].SequenceIds);
        Assert.Equal([(0, 0), (0, 1), (2, 3), (0, 0), (4, 5), (6, 7), (8, 9), (0, 0)], windows[1].Offsets);
        Assert.Equal([-1, 0, 1, -1, 2, 3, 4, -1], windows[1].WordIds);
    }

    [Fact]
    public void WindowsMayStartInsideAWordAndKeepItsWordId()
    {
        // "ax by c" = a ##x b ##y c: words 0 0 1 1 2; w = 2, stride 1 => [0,2) [1,3) [2,4) [3,5).
        var windows = Tok.EncodeWithOverflow("ax by c", stride: 1, maxLength: 4);
        Assert.Equal(4, windows.Count);
        Assert.Equal(Ids("[CLS]", "##x", "b", "[SEP]"), windows[1].Ids);
        Assert.Equal([-1, 0, 1, -1], windows[1].WordIds);
        Assert.Equal([(0, 0), (1, 2), (3, 4), (0, 0)], windows[1].Offsets);
        Assert.Equal([-1, 1, 1, -1], windows[2].WordIds);
    }

    [Fact]
    public void OnlyFirstCutsTheFirstTextOfAPair()
    {
        // First 5 tokens, second 1, maxLength 7 => w = 3, stride 0: [0,3) [3,5).
        var windows = Tok.EncodeWithOverflow("a b c d e", "q", stride: 0, truncation: TruncationStrategy.OnlyFirst, maxLength: 7);
        Assert.Equal(2, windows.Count);
        Assert.Equal(Ids("[CLS]", "d", "e", "[SEP]", "q", "[SEP]"), windows[1].Ids);
        Assert.Equal([-1, 3, 4, -1, 0, -1], windows[1].WordIds);
    }

    [Fact]
    public void WordIdsOfPlainEncodingsGroupWordPieces()
    {
        var e = Tok.Encode("ax b", "cy");
        Assert.Equal([-1, 0, 0, 1, -1, 0, 0, -1], e.WordIds);
    }

    [Fact]
    public void ImpossibleWindowsThrowClearErrors()
    {
        // w = 6 - 2 = 4; stride 4 is not below it.
        var stride = Assert.Throws<ArgumentException>(() => Tok.EncodeWithOverflow("a b c d e f g", stride: 4, maxLength: 6));
        Assert.Contains("stride (4)", stride.Message);
        // Question of 4 tokens + 3 specials fill maxLength 7: no room for context.
        var noRoom = Assert.Throws<ArgumentException>(() =>
            Tok.EncodeWithOverflow("a b c d", "e f", stride: 0, truncation: TruncationStrategy.OnlySecond, maxLength: 7));
        Assert.Contains("no room", noRoom.Message);
        Assert.Throws<ArgumentException>(() => Tok.EncodeWithOverflow("a b c d", "e f", stride: 0, maxLength: 6));   // LongestFirst pair
        Assert.Throws<ArgumentOutOfRangeException>(() => Tok.EncodeWithOverflow("a", stride: -1));
        Assert.Throws<ArgumentException>(() => Tok.EncodeWithOverflow("a", stride: 0, truncation: TruncationStrategy.OnlySecond));
    }

    [Fact]
    public void QuestionCapCutsTheFirstTextBeforeWindowing()
    {
        var windows = Tok.EncodeWithOverflow("q r a", "b c", 0, TruncationStrategy.OnlySecond, 16, true, maxFirstTokens: 2);
        Assert.Equal(Ids("[CLS]", "q", "r", "[SEP]", "b", "c", "[SEP]"), Assert.Single(windows).Ids);
    }
}
