using Bert.Pipelines;

namespace Bert.Tests.Pipelines;

/// <summary>Bad arguments get clear exceptions; async overloads, cancellation, truncation and stride coverage.</summary>
public sealed class SpanPipelineArgumentTests(SpanPipelineParityTests.Checkpoints c) : IClassFixture<SpanPipelineParityTests.Checkpoints>
{
    private const string Long = "alice and bob went to paris, then to the big city of new york. the quick brown fox jumps over the lazy dog.";

    [Fact]
    public void TokenClassificationOptionsAreValidated()
    {
        Assert.Throws<ArgumentNullException>(() => c.Ner.ExtractEntities((string)null!));
        Assert.Throws<ArgumentNullException>(() => c.Ner.ExtractEntities(["a", null!]));
        var none = Assert.Throws<ArgumentException>(() => c.Ner.ExtractEntities("a", new TokenClassificationOptions { Stride = 2 }));
        Assert.Contains("AggregationStrategy", none.Message);
        Assert.Throws<ArgumentException>(() => c.Ner.ExtractEntities("a", new TokenClassificationOptions { AggregationStrategy = AggregationStrategy.First, Stride = 10, MaxLength = 12 }));
        Assert.Throws<ArgumentException>(() => c.Ner.ExtractEntities("a", new TokenClassificationOptions { MaxLength = c.Ner.MaxTextTokens + 1 }));
        Assert.Throws<ArgumentException>(() => c.Ner.ExtractEntities("a", new TokenClassificationOptions { AggregationStrategy = (AggregationStrategy)42 }));
        var head = Assert.Throws<InvalidOperationException>(() => c.Qa.ExtractEntities("a"));
        Assert.Contains("ExtractEntities", head.Message);
    }

    [Fact]
    public void QuestionAnsweringOptionsAreValidated()
    {
        Assert.Throws<ArgumentException>(() => c.Qa.AnswerQuestion("", "context"));
        Assert.Throws<ArgumentException>(() => c.Qa.AnswerQuestion("question", ""));
        Assert.Throws<ArgumentNullException>(() => c.Qa.AnswerQuestion(null!, "context"));
        Assert.Throws<ArgumentException>(() => c.Qa.AnswerQuestion("q", "c", new QuestionAnsweringOptions { TopK = 0 }));
        Assert.Throws<ArgumentException>(() => c.Qa.AnswerQuestion("q", "c", new QuestionAnsweringOptions { MaxAnswerLength = 0 }));
        Assert.Throws<ArgumentException>(() => c.Qa.AnswerQuestion("q", "c", new QuestionAnsweringOptions { MaxSequenceLength = 16, DocStride = 17 }));
        Assert.Throws<ArgumentException>(() => c.Qa.AnswerQuestion("q", "c", new QuestionAnsweringOptions { MaxSequenceLength = c.Qa.MaxTextTokens + 1 }));
        // A question of ~20 tokens in windows of 16: no room for the context.
        var room = Assert.Throws<ArgumentException>(() => c.Qa.AnswerQuestion(Long, Long, new QuestionAnsweringOptions { MaxSequenceLength = 16 }));
        Assert.Contains("no room", room.Message);
        // ... unless the question is capped (HF's slow-tokenizer max_question_len).
        Assert.NotEmpty(c.Qa.AnswerQuestion(Long, Long, new QuestionAnsweringOptions { MaxSequenceLength = 16, DocStride = 2, MaxQuestionLength = 4 }));
        Assert.Throws<InvalidOperationException>(() => c.Ner.AnswerQuestion("q", "c"));
    }

    [Fact]
    public async Task AsyncOverloadsGiveTheSyncResultsAndHonourCancellation()
    {
        var options = new TokenClassificationOptions { AggregationStrategy = AggregationStrategy.Max };
        Assert.Equal(c.Ner.ExtractEntities(Long, options), await c.Ner.ExtractEntitiesAsync(Long, options));
        Assert.Equal(c.Ner.ExtractEntities([Long, "a"], options), await c.Ner.ExtractEntitiesAsync([Long, "a"], options));
        Assert.Equal(c.Qa.AnswerQuestion("who?", Long), await c.Qa.AnswerQuestionAsync("who?", Long));
        Assert.Equal(c.Qa.AnswerQuestions([("who?", Long)]), await c.Qa.AnswerQuestionsAsync([("who?", Long)]));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c.Ner.ExtractEntitiesAsync(Long, options, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c.Qa.AnswerQuestionsAsync([("who?", Long)], null, cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => c.Qa.AnswerQuestions([("who?", Long)], null, cancelled.Token));
    }

    [Fact]
    public void WithoutStrideLongTextsAreTruncatedAndWithStrideFullyCovered()
    {
        var all = new TokenClassificationOptions { AggregationStrategy = AggregationStrategy.Simple, IgnoreLabels = [], MaxLength = 10 };
        var truncated = c.Ner.ExtractEntities(Long, all);
        var e = c.Ner.Tokenizer!.Encode(Long, maxLength: 10);
        Assert.Equal(e.Offsets[^2].End, truncated[^1].End);      // entities stop at the 8th text token
        var windows = c.Ner.ExtractEntities(Long, all with { Stride = 2 });
        Assert.Equal(Long.Length, windows[^1].End);              // the last token ('.') is covered
        Assert.Equal(0, windows[0].Start);
        for (int i = 1; i < windows.Count; i++) Assert.True(windows[i].Start >= windows[i - 1].End, "merged entities do not overlap");
    }
}
