using Bert.Evaluation;

namespace Bert.Tests.Evaluation;

/// <summary>Hand-worked classification metrics (scikit-learn semantics).</summary>
public class ClassificationMetricsTests
{
    // Hand values are exact fractions; doubles hold them to ~1e-16, so 1e-12 only absorbs rounding.
    private const double Tolerance = 1e-12;

    private static readonly string[] Expected = ["cat", "dog", "cat", "bird", "dog", "cat"];
    private static readonly string[] Predicted = ["cat", "cat", "cat", "dog", "dog", "dog"];

    [Fact]
    public void ReportMatchesHandCounts()
    {
        var r = ClassificationMetrics.Compute(Expected, Predicted);
        Assert.Equal(["bird", "cat", "dog"], r.Labels); // sorted union, as sklearn
        // rows = truth (bird, cat, dog), columns = prediction
        Assert.Equal([0, 0, 1], r.ConfusionMatrix[0]);
        Assert.Equal([0, 2, 1], r.ConfusionMatrix[1]);
        Assert.Equal([0, 1, 1], r.ConfusionMatrix[2]);
        Assert.Equal(0.5, r.Accuracy, Tolerance);
        // bird: never predicted → P = 0 (zero division), R = 0/1; cat: 2/3, 2/3; dog: 1/3, 1/2, F1 = 2·(1/6)/(5/6) = 0.4
        AssertRow(r.PerClass[0], "bird", 0, 0, 0, 1);
        AssertRow(r.PerClass[1], "cat", 2.0 / 3, 2.0 / 3, 2.0 / 3, 3);
        AssertRow(r.PerClass[2], "dog", 1.0 / 3, 0.5, 0.4, 2);
        AssertAverage(r.Macro, 1.0 / 3, 7.0 / 18, 16.0 / 45, 6);
        AssertAverage(r.Weighted, 4.0 / 9, 0.5, 2.8 / 6, 6);
        AssertAverage(r.Micro, 0.5, 0.5, 0.5, 6); // single-label over all classes: micro = accuracy
        Assert.Equal(0.5, ClassificationMetrics.Accuracy(Expected, Predicted), Tolerance);
    }

    [Fact]
    public void GivenLabelsSetTheOrderAndAbsentClassesCountInTheMacroAverage()
    {
        var r = ClassificationMetrics.Compute(Expected, Predicted, ["cat", "dog", "bird", "fish"]);
        Assert.Equal(["cat", "dog", "bird", "fish"], r.Labels);
        Assert.Equal([2, 1, 0, 0], r.ConfusionMatrix[0]);
        AssertRow(r.PerClass[3], "fish", 0, 0, 0, 0);
        Assert.Equal((2.0 / 3 + 1.0 / 3) / 4, r.Macro.Precision, Tolerance);
        Assert.Equal(4.0 / 9, r.Weighted.Precision, Tolerance); // weight 0 for fish
        Assert.Contains("'bird'", Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(Expected, Predicted, ["cat", "dog"])).Message);
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(Expected, Predicted, ["cat", "cat", "dog", "bird"]));
    }

    [Fact]
    public void BadInputsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute([], []));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a"], ["a", "b"]));
        Assert.Throws<ArgumentNullException>(() => ClassificationMetrics.Compute(["a", null!], ["a", "b"]));
        Assert.Throws<ArgumentNullException>(() => ClassificationMetrics.Accuracy(null!, ["a"]));
    }

    internal static void AssertRow(ClassMetrics row, string label, double p, double r, double f1, int support)
    {
        Assert.Equal(label, row.Label);
        Assert.Equal(p, row.Precision, Tolerance);
        Assert.Equal(r, row.Recall, Tolerance);
        Assert.Equal(f1, row.F1, Tolerance);
        Assert.Equal(support, row.Support);
    }

    internal static void AssertAverage(AveragedMetrics average, double p, double r, double f1, int support)
    {
        Assert.Equal(p, average.Precision, Tolerance);
        Assert.Equal(r, average.Recall, Tolerance);
        Assert.Equal(f1, average.F1, Tolerance);
        Assert.Equal(support, average.Support);
    }
}
