using Bert.Pipelines;
using Bert.Synthetic;

namespace Bert.Tests.Pipelines;

/// <summary>The span entry points run end to end on synthetic checkpoints and keep their structural promises.</summary>
public sealed class SpanPipelineSmokeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-spans-smoke-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void EntitiesPointIntoTheTextAndQuestionsGetSpansOfTheContext()
    {
        var ner = SyntheticCheckpoint.Create(Path.Combine(_root, "ner"), new SyntheticOptions
        {
            Head = SyntheticHead.TokenClassification, NumLabels = 5, LabelNames = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"], Seed = 3,
        });
        using (var model = BertModel.Load(ner.Folder))
        {
            const string text = "alice went to paris with bob.";
            foreach (var strategy in Enum.GetValues<AggregationStrategy>())
            {
                var entities = model.ExtractEntities(text, new TokenClassificationOptions { AggregationStrategy = strategy, IgnoreLabels = [] });
                Assert.NotEmpty(entities);
                Assert.All(entities, e => Assert.InRange(e.Start, 0, e.End));
                Assert.All(entities, e => Assert.InRange(e.End, e.Start, text.Length));
            }
        }
        var qa = SyntheticCheckpoint.Create(Path.Combine(_root, "qa"), new SyntheticOptions { Head = SyntheticHead.QuestionAnswering, Seed = 4 });
        using (var model = BertModel.Load(qa.Folder))
        {
            const string context = "the cat sat on the mat while the dog ran in the park.";
            var answers = model.AnswerQuestion("where did the dog run?", context, new QuestionAnsweringOptions { TopK = 3 });
            Assert.Equal(3, answers.Count);
            Assert.All(answers, a => Assert.Equal(context[a.Start..a.End], a.Answer));
            Assert.True(answers[0].Score >= answers[1].Score && answers[1].Score >= answers[2].Score);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
