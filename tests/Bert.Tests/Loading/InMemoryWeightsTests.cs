using Bert.Loading;

namespace Bert.Tests.Loading;

public sealed class InMemoryWeightsTests
{
    [Fact]
    public void ResolvesNamesLikeTheFileSource()
    {
        var weights = new InMemoryWeights()
            .Add("bert.embeddings.LayerNorm.gamma", [2], [1f, 2f])
            .Add("encoder.layer.0.output.dense.bias", [2], [3f, 4f])
            .Add("classifier.weight", [1, 2], [5f, 6f]);
        Assert.Equal([1f, 2f], weights.Get("embeddings.LayerNorm.weight", [2]).ToArray());
        Assert.Equal([3f, 4f], weights.Get("encoder.layer.0.output.dense.bias", [2]).ToArray());
        Assert.Equal([5f, 6f], weights.Get("classifier.weight", [1, 2]).ToArray());
        Assert.False(weights.Contains("embeddings.LayerNorm.bias"));
        Assert.True(weights.Remove("classifier.weight"));
        Assert.False(weights.Contains("classifier.weight"));
    }

    [Fact]
    public void ShapeMismatchAndMissingAreFormatErrors()
    {
        var weights = new InMemoryWeights().Add("a", [2, 3], new float[6]);
        var e = Assert.Throws<BertFormatException>(() => weights.Get("a", [3, 2]));
        Assert.Equal("a", e.Field);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Throws<BertFormatException>(() => weights.Get("b", [1]));
    }

    [Fact]
    public void AddRejectsDataThatDoesNotFitTheShape()
    {
        Assert.Throws<ArgumentException>(() => new InMemoryWeights().Add("a", [2, 3], new float[5]));
        Assert.Throws<ArgumentException>(() => new InMemoryWeights().Add("a", [-1, -1], new float[1]));
        Assert.Throws<ArgumentException>(() => new InMemoryWeights().Add("a", [65536, 65536], new float[0]));
    }
}
