using Bert.Evaluation;

namespace Bert.Tests.Evaluation;

/// <summary>Hand-worked cases of the official SQuAD v1.1 normalisation, exact match and F1.</summary>
public class SquadMetricsTests
{
    [Theory]
    [InlineData("The  Quick, brown fox!", "quick brown fox")]
    [InlineData("An apple a day, theater", "apple day theater")]                  // only whole words a/an/the
    [InlineData("Ørsted's\tAnother\u001fthe end", "ørsteds another end")]          // Unicode lower; U+001F splits like Python
    [InlineData("éthe the_b", "éthe theb")]                                       // é is a word char; '_' is punctuation, removed first
    [InlineData("  ", "")]
    public void NormalizationIsTheOfficialOne(string text, string expected) => Assert.Equal(expected, SquadMetrics.NormalizeAnswer(text));

    [Fact]
    public void ExactMatchAndF1TakeTheBestGoldAnswer()
    {
        Assert.Equal(1, SquadMetrics.ExactMatch("the Cat", ["a cat", "dog"]));
        Assert.Equal(0, SquadMetrics.ExactMatch("cat sat", ["cat", "dog"]));
        // pred {cat, sat}, gold {cat, sat, down}: common 2, P = 1, R = 2/3, F1 = 0.8
        Assert.Equal(0.8, SquadMetrics.F1("the cat sat", ["a cat sat down", "dog"]), 12);
        // multiset overlap: pred cat×3, gold cat×2 → common 2, P = 2/3, R = 1, F1 = 0.8
        Assert.Equal(0.8, SquadMetrics.F1("cat cat cat", ["cat cat"]), 12);
        // both empty after normalisation: EM 1, F1 0 (the v1.1 script has no special case)
        Assert.Equal(1, SquadMetrics.ExactMatch("the", [""]));
        Assert.Equal(0, SquadMetrics.F1("the", [""]));
        Assert.Throws<ArgumentException>(() => SquadMetrics.F1("x", []));
        Assert.Throws<ArgumentNullException>(() => SquadMetrics.ExactMatch("x", [null!]));
    }

    [Fact]
    public void TotalsAreMeansInPercent()
    {
        var score = SquadMetrics.Compute([("cat", ["the cat"]), ("dog sat", ["cat sat", "a bird"])]);
        Assert.Equal(50, score.ExactMatch, 12); // 1, 0
        Assert.Equal(75, score.F1, 12);         // 1, 0.5 (common "sat": P = R = 1/2)
        Assert.Equal(2, score.Count);
        Assert.Throws<ArgumentException>(() => SquadMetrics.Compute([]));
    }
}
