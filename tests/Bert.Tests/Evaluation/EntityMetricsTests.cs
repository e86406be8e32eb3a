using Bert.Evaluation;
using static Bert.Tests.Evaluation.ClassificationMetricsTests;

namespace Bert.Tests.Evaluation;

/// <summary>Hand-worked seqeval cases in both modes.</summary>
public class EntityMetricsTests
{
    [Fact]
    public void SeqevalDocumentationExample()
    {
        string[][] gold = [["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
        string[][] guess = [["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]];
        foreach (var mode in new[] { EntityMode.Default, EntityMode.Strict })
        {
            var r = EntityMetrics.Compute(gold, guess, mode);
            // MISC spans [3,6) vs [2,6): wrong boundary; PER exact.
            AssertRow(r.PerType[0], "MISC", 0, 0, 0, 1);
            AssertRow(r.PerType[1], "PER", 1, 1, 1, 1);
            AssertAverage(r.Micro, 0.5, 0.5, 0.5, 2);
            AssertAverage(r.Macro, 0.5, 0.5, 0.5, 2);
            AssertAverage(r.Weighted, 0.5, 0.5, 0.5, 2);
            Assert.Equal(0.8, r.TokenAccuracy, 12); // 8 of 10 tags equal
        }
    }

    [Fact]
    public void DefaultModeStartsChunksAtStrayIButStrictDropsThem()
    {
        string[][] gold = [["B-PER", "I-PER", "O", "B-LOC"]];
        string[][] guess = [["I-PER", "I-PER", "O", "B-LOC"]];
        var lenient = EntityMetrics.Compute(gold, guess);
        AssertAverage(lenient.Micro, 1, 1, 1, 2);                 // I-PER I-PER read as one PER [0,2)
        var strict = EntityMetrics.Compute(gold, guess, EntityMode.Strict);
        AssertRow(strict.PerType[0], "LOC", 1, 1, 1, 1);
        AssertRow(strict.PerType[1], "PER", 0, 0, 0, 1);          // no predicted PER: precision 0 by zero division
        AssertAverage(strict.Micro, 1, 0.5, 2.0 / 3, 2);
        AssertAverage(strict.Macro, 0.5, 0.5, 0.5, 2);
    }

    [Fact]
    public void ExtractionFollowsEachModesRules()
    {
        Assert.Equal([new Entity("PER", 0, 0, 2), new Entity("LOC", 0, 3, 4)], EntityMetrics.Extract(["B-PER", "I-PER", "O", "B-LOC"]));
        Assert.Equal([new Entity("PER", 0, 0, 1), new Entity("PER", 0, 1, 2)], EntityMetrics.Extract(["I-PER", "B-PER"]));
        Assert.Equal([new Entity("PER", 0, 0, 1), new Entity("LOC", 0, 1, 2)], EntityMetrics.Extract(["B-PER", "I-LOC"]));
        Assert.Equal([new Entity("PER", 0, 0, 1)], EntityMetrics.Extract(["B-PER", "I-LOC"], EntityMode.Strict));
        Assert.Equal([new Entity("PER", 0, 0, 1), new Entity("LOC", 0, 1, 3)], EntityMetrics.Extract(["S-PER", "B-LOC", "E-LOC", "O"])); // IOBES
        Assert.Equal([new Entity("_", 0, 0, 2)], EntityMetrics.Extract(["B", "I"]));
        Assert.Equal([new Entity("PER", 0, 0, 3)], EntityMetrics.Extract(["B-PER", "I-PER", "I-PER"], EntityMode.Strict));
        Assert.Empty(EntityMetrics.Extract([]));
        Assert.Throws<ArgumentException>(() => EntityMetrics.Extract(["E-LOC"], EntityMode.Strict));
        Assert.Throws<ArgumentException>(() => EntityMetrics.Extract(["O", ""]));
    }

    [Fact]
    public void EntitiesNeverCrossSentencesAndPredictedOnlyTypesCount()
    {
        // The gold PER ends with sentence 0; a predicted ORG that is not in the gold adds a type with support 0.
        string[][] gold = [["O", "B-PER"], ["I-PER", "O"]];
        string[][] guess = [["O", "B-PER"], ["B-ORG", "O"]];
        var r = EntityMetrics.Compute(gold, guess);
        Assert.Equal(["ORG", "PER"], r.PerType.Select(t => t.Label));
        AssertRow(r.PerType[0], "ORG", 0, 0, 0, 0);
        AssertRow(r.PerType[1], "PER", 1, 0.5, 2.0 / 3, 2); // gold: PER [1,2) in s0 and PER [0,1) in s1; predicted: the first
        Assert.Throws<ArgumentException>(() => EntityMetrics.Compute(gold, [["O"], ["O", "O"]]));
        Assert.Throws<ArgumentException>(() => EntityMetrics.Compute([], []));
    }
}
