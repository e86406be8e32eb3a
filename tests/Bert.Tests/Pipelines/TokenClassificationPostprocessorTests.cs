using Bert.Pipelines;

namespace Bert.Tests.Pipelines;

/// <summary>
/// Hand-worked cases of HF's token-classification post-processing, no model. Logits are ln p, so the softmax gives back
/// the probabilities written here (to float rounding: tolerance 1e-6).
/// </summary>
public class TokenClassificationPostprocessorTests
{
    private const float Tolerance = 1e-6f;
    private static readonly string[] Labels = ["O", "B-PER", "I-PER"];

    // Text "ab cd e" → [CLS] ab c ##d e [SEP]; words: ab = 0, cd = 1 (two pieces), e = 2.
    private const string Text = "ab cd e";

    private static TokenClassificationWindow Window(params float[][] probabilities) => new(
        [.. new[] { new float[] { 1, 1, 1 } }.Concat(probabilities).Append([1, 1, 1]).SelectMany(p => p.Select(p => MathF.Log(p)))],
        ["[CLS]", "ab", "c", "##d", "e", "[SEP]"],
        [(0, 0), (0, 2), (3, 4), (4, 5), (6, 7), (0, 0)],
        [1, 0, 0, 0, 0, 1],
        [-1, 0, 1, 1, 2, -1]);

    // ab: B-PER .7 | c: I-PER .6 | ##d: O .8 | e: B-PER .6
    private static readonly TokenClassificationWindow Sample = Window([.1f, .7f, .2f], [.3f, .1f, .6f], [.8f, .1f, .1f], [.3f, .6f, .1f]);

    private static List<TokenClassificationEntity> Run(AggregationStrategy strategy, string[]? ignore = null, params TokenClassificationWindow[] windows) =>
        TokenClassificationPostprocessor.Process(Text, windows.Length == 0 ? [Sample] : windows, Labels, strategy, ignore ?? [], "[UNK]", "##");

    private static void AssertEntities(List<TokenClassificationEntity> actual, params (string Label, float Score, string Word, int Start, int End, int? Index)[] expected)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal((expected[i].Label, expected[i].Word, expected[i].Start, expected[i].End, expected[i].Index),
                (actual[i].Label, actual[i].Word, actual[i].Start, actual[i].End, actual[i].Index));
            Assert.InRange(actual[i].Score, expected[i].Score - Tolerance, expected[i].Score + Tolerance);
        }
    }

    [Fact]
    public void NoneGivesOneEntityPerTokenWithItsIndex() => AssertEntities(Run(AggregationStrategy.None),
        ("B-PER", .7f, "ab", 0, 2, 1), ("I-PER", .6f, "c", 3, 4, 2), ("O", .8f, "##d", 4, 5, 3), ("B-PER", .6f, "e", 6, 7, 4));

    [Fact]
    public void IgnoreLabelsDropTokensOrGroupsByTheirLabel()
    {
        AssertEntities(Run(AggregationStrategy.None, ["O"]), ("B-PER", .7f, "ab", 0, 2, 1), ("I-PER", .6f, "c", 3, 4, 2), ("B-PER", .6f, "e", 6, 7, 4));
        // Groups are matched by their group label: ignoring "PER" removes them, ignoring "B-PER" does not.
        AssertEntities(Run(AggregationStrategy.Simple, ["PER"]), ("O", .8f, "##d", 4, 5, null));
        Assert.Equal(3, Run(AggregationStrategy.Simple, ["B-PER"]).Count);
    }

    [Fact]
    public void SimpleGroupsTokensByTagAndAveragesScores() => AssertEntities(Run(AggregationStrategy.Simple),
        ("PER", (.7f + .6f) / 2, "ab c", 0, 4, null), ("O", .8f, "##d", 4, 5, null), ("PER", .6f, "e", 6, 7, null));

    [Fact]
    public void FirstLabelsEachWordByItsFirstPiece() => AssertEntities(Run(AggregationStrategy.First),
        // cd takes c's I-PER .6, so it joins ab's group; e (B-) starts a new one.
        ("PER", (.7f + .6f) / 2, "ab cd", 0, 5, null), ("PER", .6f, "e", 6, 7, null));

    [Fact]
    public void MaxLabelsEachWordByItsMostConfidentPiece() => AssertEntities(Run(AggregationStrategy.Max),
        // cd: max(c) = .6 < max(##d) = .8, so cd is O .8.
        ("PER", .7f, "ab", 0, 2, null), ("O", .8f, "cd", 3, 5, null), ("PER", .6f, "e", 6, 7, null));

    [Fact]
    public void AverageLabelsEachWordByItsMeanProbabilities() => AssertEntities(Run(AggregationStrategy.Average),
        // cd: mean(.3,.8) = .55 O, mean(.1,.1) = .1, mean(.6,.1) = .35 → O .55.
        ("PER", .7f, "ab", 0, 2, null), ("O", .55f, "cd", 3, 5, null), ("PER", .6f, "e", 6, 7, null));

    [Fact]
    public void MaxKeepsTheFirstPieceOnATieOfTopProbabilities()
    {
        var tie = Window([.1f, .7f, .2f], [.6f, .2f, .2f], [.2f, .2f, .6f], [.3f, .6f, .1f]);
        AssertEntities(Run(AggregationStrategy.Max, null, tie), ("PER", .7f, "ab", 0, 2, null), ("O", .6f, "cd", 3, 5, null), ("PER", .6f, "e", 6, 7, null));
    }

    [Fact]
    public void TagsSplitOnBAndOnTypeChangeAndNonBioLabelsMerge()
    {
        string[] labels = ["B-PER", "I-PER", "B-LOC", "I-LOC", "MISC", "B-WORK-OF-ART"];
        // One-hot-ish tokens: B-PER B-PER I-LOC I-LOC MISC MISC B-WORK-OF-ART
        int[] picks = [0, 0, 3, 3, 4, 4, 5];
        var pre = picks.Select((label, t) => new PreEntity($"w{t}", [.. Enumerable.Range(0, labels.Length).Select(l => l == label ? .5f : .1f)], 2 * t, 2 * t + 1, t + 1, false)).ToList();
        var groups = TokenClassificationPostprocessor.Aggregate(pre, labels, AggregationStrategy.Simple, "##");
        Assert.Equal(["PER", "PER", "LOC", "MISC", "WORK-OF-ART"], groups.Select(g => g.Label));
        Assert.Equal(["w0", "w1", "w2 w3", "w4 w5", "w6"], groups.Select(g => g.Word));
        Assert.Equal([(4, 7), (8, 11)], groups.Skip(2).Take(2).Select(g => (g.Start, g.End)));
    }

    [Fact]
    public void UnknownTokensUseTheirOriginalTextAndStartAWord()
    {
        var window = new TokenClassificationWindow([.. Enumerable.Repeat(0f, 4 * 3)], ["[CLS]", "ab", "[UNK]", "[SEP]"],
            [(0, 0), (0, 2), (3, 6), (0, 0)], [1, 0, 0, 1], [-1, 0, 0, -1]);   // even a shared word id does not glue [UNK]
        var entities = TokenClassificationPostprocessor.Process("ab €uro", [window], Labels, AggregationStrategy.First, [], "[UNK]", "##");
        Assert.Equal(["ab €ur"], entities.Select(e => e.Word));   // all labels tie at 1/3 → O for both words, one group
        var none = TokenClassificationPostprocessor.Process("ab €uro", [window], Labels, AggregationStrategy.None, [], "[UNK]", "##");
        Assert.Equal("€ur", none[1].Word);
    }

    [Fact]
    public void WordsAreDecodedLikeTheFastTokenizer()
    {
        Assert.Equal("washington, d. c.", TokenClassificationPostprocessor.DecodeTokens(["washington", ",", "d", ".", "c", "."], "##"));
        Assert.Equal("##ing", TokenClassificationPostprocessor.DecodeTokens(["##ing"], "##"));
        Assert.Equal("##ing foo", TokenClassificationPostprocessor.DecodeTokens(["##ing", "f", "##oo"], "##"));
    }

    [Fact]
    public void OverlappingWindowsKeepTheLongerThenTheMoreConfidentEntity()
    {
        var a = new TokenClassificationEntity("PER", .5f, "a", 0, 5);
        var inside = new TokenClassificationEntity("PER", .9f, "b", 2, 4);       // starts inside a, shorter → a stays
        var sameLength = new TokenClassificationEntity("LOC", .4f, "c", 3, 8);   // as long, less confident → a stays
        var later = new TokenClassificationEntity("LOC", .3f, "d", 6, 9);        // starts after a ends → a is emitted
        var longer = new TokenClassificationEntity("PER", .1f, "e", 6, 12);      // starts inside d, longer → replaces d
        Assert.Equal([a, longer], TokenClassificationPostprocessor.MergeOverlapping([later, a, inside, sameLength, longer]));
        var equalScore = new TokenClassificationEntity("PER", .5f, "f", 1, 6);
        Assert.Equal([a], TokenClassificationPostprocessor.MergeOverlapping([a, equalScore]));   // strict > on score
    }

    [Fact]
    public void TwoWindowsOfOneTextAreMergedAcrossTheBoundary()
    {
        // Window 1 ends inside the word "cd" (sees ab, c); window 2 starts at c (sees c, ##d, e).
        var w1 = new TokenClassificationWindow([.. new[] { 1f, 1f, 1f, .1f, .7f, .2f, .3f, .1f, .6f, 1f, 1f, 1f }.Select(p => MathF.Log(p))],
            ["[CLS]", "ab", "c", "[SEP]"], [(0, 0), (0, 2), (3, 4), (0, 0)], [1, 0, 0, 1], [-1, 0, 1, -1]);
        var w2 = new TokenClassificationWindow([.. new[] { 1f, 1f, 1f, .3f, .1f, .6f, .2f, .1f, .7f, .3f, .6f, .1f, 1f, 1f, 1f }.Select(p => MathF.Log(p))],
            ["[CLS]", "c", "##d", "e", "[SEP]"], [(0, 0), (3, 4), (4, 5), (6, 7), (0, 0)], [1, 0, 0, 0, 1], [-1, 1, 1, 2, -1]);
        var entities = Run(AggregationStrategy.Simple, ["O"], w1, w2);
        // w1: ab B-PER .7, c I-PER .6 → PER "ab c" [0,4) .65. w2: c I-PER .6, ##d I-PER .7 → PER "cd" [3,5) .65;
        // e B-PER → PER [6,7) .6. Sorted by start, "cd" starts inside "ab c" and is shorter, so "ab c" stays; then "e".
        AssertEntities(entities, ("PER", .65f, "ab c", 0, 4, null), ("PER", .6f, "e", 6, 7, null));
    }

    [Fact]
    public void LogitCountMustMatchTokensTimesLabels()
    {
        var bad = Sample with { Logits = new float[5] };
        Assert.Throws<ArgumentException>(() => Run(AggregationStrategy.None, null, bad));
    }
}
