using Bert.Pipelines;

namespace Bert.Tests.Pipelines;

/// <summary>
/// Hand-worked cases of HF's QA post-processing, no model. Logits are ln p on the candidate tokens, so the softmax gives
/// back the probabilities written here (to float rounding: tolerance 1e-6); non-candidate logits are large on purpose,
/// to prove they are masked.
/// </summary>
public class QuestionAnsweringPostprocessorTests
{
    private const float Tolerance = 1e-6f;

    // "[CLS] q [SEP] aa bb cc [SEP]" over context "aa bb cc": one word per token.
    private const string Context = "aa bb cc";

    private static QuestionAnsweringWindow Window(float[] pStart, float[] pEnd, string[]? pieces = null, int[]? words = null)
    {
        // pStart/pEnd: probabilities of [CLS], c1, c2, c3 (sum 1).
        float[] Logits(float[] p) => [MathF.Log(p[0]), 50, 50, MathF.Log(p[1]), MathF.Log(p[2]), MathF.Log(p[3]), 50];
        return new QuestionAnsweringWindow(Logits(pStart), Logits(pEnd),
            [true, false, false, true, true, true, false],
            [(0, 0), (0, 1), (0, 0), (0, 2), (3, 5), (6, 8), (0, 0)],
            words ?? [-1, 0, -1, 0, 1, 2, -1],
            [false, false, false, true, true, true, false]);
    }

    // p_start = [CLS] .1, aa .6, bb .2, cc .1; p_end = [CLS] .2, aa .1, bb .3, cc .4.
    // Spans: (aa,aa) .06, (aa,bb) .18, (aa,cc) .24, (bb,bb) .06, (bb,cc) .08, (cc,cc) .04; null .1·.2 = .02.
    private static readonly QuestionAnsweringWindow Sample = Window([.1f, .6f, .2f, .1f], [.2f, .1f, .3f, .4f]);

    private static List<QuestionAnsweringResult> Run(QuestionAnsweringOptions options, params QuestionAnsweringWindow[] windows) =>
        QuestionAnsweringPostprocessor.Process(Context, windows.Length == 0 ? [Sample] : windows, options);

    private static void AssertAnswers(List<QuestionAnsweringResult> actual, params (string Answer, float Score, int Start, int End)[] expected)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal((expected[i].Answer, expected[i].Start, expected[i].End), (actual[i].Answer, actual[i].Start, actual[i].End));
            Assert.InRange(actual[i].Score, expected[i].Score - Tolerance, expected[i].Score + Tolerance);
        }
    }

    [Fact]
    public void BestSpanIsTheLargestProductWithStartBeforeEnd() =>
        AssertAnswers(Run(new QuestionAnsweringOptions()), ("aa bb cc", .24f, 0, 8));

    [Fact]
    public void TopKRanksSpansByProduct() =>
        AssertAnswers(Run(new QuestionAnsweringOptions { TopK = 3 }), ("aa bb cc", .24f, 0, 8), ("aa bb", .18f, 0, 5), ("bb cc", .08f, 3, 8));

    [Fact]
    public void MaxAnswerLengthCountsTokensAndTiesGoToTheEarlierSpan()
    {
        AssertAnswers(Run(new QuestionAnsweringOptions { TopK = 4, MaxAnswerLength = 2 }),
            ("aa bb", .18f, 0, 5), ("bb cc", .08f, 3, 8), ("aa", .06f, 0, 2), ("bb", .06f, 3, 5));
        AssertAnswers(Run(new QuestionAnsweringOptions { TopK = 9, MaxAnswerLength = 1 }),
            ("aa", .06f, 0, 2), ("bb", .06f, 3, 5), ("cc", .04f, 6, 8));   // fewer than k spans exist
    }

    [Fact]
    public void ImpossibleAnswerIsRankedWithTheNullScore()
    {
        AssertAnswers(Run(new QuestionAnsweringOptions { TopK = 5, MaxAnswerLength = 1, HandleImpossibleAnswer = true }),
            ("aa", .06f, 0, 2), ("bb", .06f, 3, 5), ("cc", .04f, 6, 8), ("", .02f, 0, 0));
        // A window whose [CLS] dominates: null .8·.9 = .72 beats every span.
        var unanswerable = Window([.8f, .1f, .05f, .05f], [.9f, .04f, .03f, .03f]);
        AssertAnswers(Run(new QuestionAnsweringOptions { HandleImpossibleAnswer = true }, unanswerable), ("", .72f, 0, 0));
        // Without the flag [CLS] still takes its share of the softmax but is never an answer: best is aa..aa .1·.04.
        AssertAnswers(Run(new QuestionAnsweringOptions(), unanswerable), ("aa", .1f * .04f, 0, 2));
    }

    [Fact]
    public void WindowsArePooledAndTheNullScoreIsTheirMinimum()
    {
        // Second window: aa .006, bb .01, cc .48, null .04·.2 = .008 < .02. Pool, sorted: cc .48 | aa .06 bb .06 cc .04 (first
        // window) | bb .01 | null .008 | aa .006.
        var second = Window([.04f, .06f, .1f, .8f], [.2f, .1f, .1f, .6f]);
        var answers = Run(new QuestionAnsweringOptions { TopK = 20, HandleImpossibleAnswer = true, MaxAnswerLength = 1 }, Sample, second);
        Assert.Equal("cc", answers[0].Answer);
        Assert.InRange(answers[0].Score, .48f - Tolerance, .48f + Tolerance);
        Assert.Equal(7, answers.Count);                         // 3 spans per window, duplicates kept (HF before 4.53), + null
        Assert.Equal(["cc", "aa", "bb", "cc", "bb", "", "aa"], answers.Select(a => a.Answer));
        Assert.Equal((0, 0), (answers[5].Start, answers[5].End));
        Assert.InRange(answers[5].Score, .008f - Tolerance, .008f + Tolerance);
    }

    [Fact]
    public void AnswersWidenToWholeWordsOfTheWindowUnlessAskedNotTo()
    {
        // Context "abcd ef": ab ##cd ef, words 0 0 1. p_end puts everything on ##cd and p_start on ##cd too.
        var pieces = new QuestionAnsweringWindow(
            [0, 0, 0, -5, 5, -5, 0], [0, 0, 0, -5, 5, -5, 0],
            [true, false, false, true, true, true, false],
            [(0, 0), (0, 1), (0, 0), (0, 2), (2, 4), (5, 7), (0, 0)],
            [-1, 0, -1, 0, 0, 1, -1],
            [false, false, false, true, true, true, false]);
        Assert.Equal(("abcd", 0, 4), Top(QuestionAnsweringPostprocessor.Process("abcd ef", [pieces], new QuestionAnsweringOptions())));
        Assert.Equal(("cd", 2, 4), Top(QuestionAnsweringPostprocessor.Process("abcd ef", [pieces], new QuestionAnsweringOptions { AlignToWords = false })));
        // Widening follows the word ids only: with ##cd and ef given one id and "ab" another, the answer becomes "cd ef".
        var cut = pieces with { WordIds = [-1, 0, -1, 7, 8, 8, -1] };
        Assert.Equal(("cd ef", 2, 7), Top(QuestionAnsweringPostprocessor.Process("abcd ef", [cut], new QuestionAnsweringOptions())));

        static (string, int, int) Top(List<QuestionAnsweringResult> a) => (a[0].Answer, a[0].Start, a[0].End);
    }

    [Fact]
    public void MaskedSoftmaxGivesNonCandidatesNothingAndCandidatesEverything()
    {
        var p = QuestionAnsweringPostprocessor.MaskedSoftmax([0, 100, 0], [true, false, true]);
        Assert.Equal([.5, 0, .5], p);
    }
}
