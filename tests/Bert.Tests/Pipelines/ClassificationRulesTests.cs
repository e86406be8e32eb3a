using Bert.Pipelines;

namespace Bert.Tests.Pipelines;

/// <summary>Hand-worked cases for every rule of HF's text-classification post-processing.</summary>
public class ClassificationRulesTests
{
    // Float32 exp/sigmoid of small arguments agree with the hand values to ~1 ulp; 1e-6 is the bound.
    private const double Tolerance = 1e-6;

    [Theory]
    [InlineData(null, 2, ClassificationFunction.Softmax)]                              // several labels
    [InlineData(null, 1, ClassificationFunction.Sigmoid)]                              // one label (cross-encoders)
    [InlineData("regression", 1, ClassificationFunction.None)]                         // regression wins over one label
    [InlineData("regression", 3, ClassificationFunction.None)]
    [InlineData("multi_label_classification", 3, ClassificationFunction.Sigmoid)]
    [InlineData("single_label_classification", 3, ClassificationFunction.Softmax)]
    [InlineData("single_label_classification", 1, ClassificationFunction.Sigmoid)]     // HF tests num_labels == 1 before single_label
    public void DefaultFunctionFollowsProblemTypeThenLabelCount(string? problemType, int labels, ClassificationFunction expected)
    {
        Assert.Equal(expected, ClassificationRules.Resolve(ClassificationFunction.Default, problemType, labels));
        // An explicit choice always wins.
        Assert.Equal(ClassificationFunction.None, ClassificationRules.Resolve(ClassificationFunction.None, problemType, labels));
    }

    [Fact]
    public void FunctionsMatchHandValues()
    {
        var s = new float[3];
        ClassificationRules.Apply(ClassificationFunction.Softmax, [1f, 2f, 3f], s);
        // e^{-2}, e^{-1}, 1 over their sum 1.503214724
        AssertClose([0.0900305732, 0.2447284711, 0.6652409558], s);
        ClassificationRules.Apply(ClassificationFunction.Sigmoid, [0f, 2f, -2f], s);
        AssertClose([0.5, 0.8807970780, 0.1192029220], s);
        ClassificationRules.Apply(ClassificationFunction.None, [0.25f, -7f, 3f], s);
        AssertClose([0.25, -7, 3], s);
        ClassificationRules.Apply(ClassificationFunction.Softmax, [1000f, 1000f, -1000f], s); // no overflow
        AssertClose([0.5, 0.5, 0], s);
        Assert.Throws<ArgumentException>(() => ClassificationRules.Apply(ClassificationFunction.Default, [1f], new float[1]));
        Assert.Throws<ArgumentException>(() => ClassificationRules.Apply(ClassificationFunction.None, [1f], new float[2]));
    }

    [Fact]
    public void RankIsStableDescendingWithNaNLastAndCutsTopK()
    {
        float[] scores = [0.2f, 0.5f, float.NaN, 0.5f, 0.1f];
        Assert.Equal([1, 3, 0, 4, 2], ClassificationRules.Rank(scores, null));
        Assert.Equal([1, 3], ClassificationRules.Rank(scores, 2));
        Assert.Equal(5, ClassificationRules.Rank(scores, 99).Length); // HF slices: more than L means all
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationRules.Rank(scores, 0));
    }

    [Fact]
    public void PostprocessNamesLabelsAndReportsTopK()
    {
        var id2Label = new Dictionary<int, string> { [0] = "neg", [2] = "pos" }; // id 1 unnamed
        var r = ClassificationRules.Postprocess([0f, 3f, 1f], ClassificationFunction.Softmax, id2Label, topK: null);
        Assert.Equal(["LABEL_1", "pos", "neg"], r.Labels.Select(l => l.Label));
        Assert.Equal("LABEL_1", r.Label);
        Assert.Equal(1, r.LabelId);
        Assert.Equal(r.Scores[1], r.Score);
        Assert.Equal(ClassificationFunction.Softmax, r.Function);
        Assert.Equal([0f, 3f, 1f], r.Logits);
        var top1 = ClassificationRules.Postprocess([0f, 3f, 1f], ClassificationFunction.Softmax, id2Label, topK: 1);
        Assert.Single(top1.Labels);
        Assert.Equal(3, top1.Scores.Count); // all scores stay available
    }

    [Fact]
    public void NextSentenceIsSoftmaxOfLabelZero()
    {
        // logits (2, 0): P(is next) = 1 / (1 + e^{-2}); (0, 0): 0.5
        var p = NextSentencePipeline.Postprocess([2f, 0f, 0f, 0f, -1f, 3f]);
        AssertClose([0.8807970780, 0.5, 1 / (1 + Math.Exp(4))], p);
        Assert.Throws<ArgumentException>(() => NextSentencePipeline.Postprocess([1f, 2f, 3f]));
    }

    [Fact]
    public void RerankSortsByLogitAppliesActivationAndKeepsInputOrderOnTies()
    {
        string[] docs = ["d0", "d1", "d2", "d3"];
        var r = RerankPipeline.Postprocess([0.5f, 2f, 0.5f, -1f], ClassificationFunction.Sigmoid, docs, topK: 3);
        Assert.Equal([1, 0, 2], r.Select(x => x.Index));
        Assert.Equal(["d1", "d0", "d2"], r.Select(x => x.Text));
        AssertClose([0.8807970780, 0.6224593312, 0.6224593312], [.. r.Select(x => x.Score)]);
        Assert.Equal([2f, 0.5f, 0.5f], r.Select(x => x.Logit));
        // Sigmoid saturates to 1 in float32 for both; the logits still order them.
        var saturated = RerankPipeline.Postprocess([30f, 40f], ClassificationFunction.Sigmoid, null, null);
        Assert.Equal([1, 0], saturated.Select(x => x.Index));
        Assert.All(saturated, x => Assert.Null(x.Text));
        var raw = RerankPipeline.Postprocess([0.5f, 2f], ClassificationFunction.None, null, null);
        Assert.Equal([2f, 0.5f], raw.Select(x => x.Score));
    }

    [Theory]
    [InlineData(null, ClassificationFunction.Sigmoid)]
    [InlineData("torch.nn.modules.activation.Sigmoid", ClassificationFunction.Sigmoid)]
    [InlineData("torch.nn.modules.linear.Identity", ClassificationFunction.None)]
    public void RerankActivationFollowsSentenceTransformersConfig(string? configured, ClassificationFunction expected)
    {
        Assert.Equal(expected, RerankPipeline.ResolveActivation(ClassificationFunction.Default, configured));
        Assert.Equal(ClassificationFunction.None, RerankPipeline.ResolveActivation(ClassificationFunction.None, configured));
    }

    [Fact]
    public void UnknownCrossEncoderActivationIsRefusedWithItsName()
        => Assert.Contains("Tanh", Assert.Throws<InvalidOperationException>(() => RerankPipeline.ResolveActivation(ClassificationFunction.Default, "torch.nn.modules.activation.Tanh")).Message);

    [Fact]
    public void BatchesAreCutByTokenBudgetInOrder()
    {
        int[] lengths = [3, 4, 5, 10, 1, 1];
        Assert.Equal([(0, 2), (2, 1), (3, 1), (4, 2)], PackedBatches.Split(lengths, 8)); // 3+4 ≤ 8; 5; 10 alone (over budget); 1+1
        Assert.Equal([(0, 6)], PackedBatches.Split(lengths, 24));
        Assert.Equal(6, PackedBatches.Split(lengths, 1).Count);
        Assert.Empty(PackedBatches.Split([], 8));
    }

    private static void AssertClose(double[] expected, IReadOnlyList<float> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"[{i}] {actual[i]} vs {expected[i]}");
    }
}
