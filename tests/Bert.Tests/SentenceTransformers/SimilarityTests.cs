using Bert.SentenceTransformers;

namespace Bert.Tests.SentenceTransformers;

/// <summary>Similarity functions against hand-worked values (sentence-transformers' util: cos_sim, dot_score, euclidean_sim, manhattan_sim).</summary>
public class SimilarityTests
{
    private static readonly float[] A = [1, 2, 2], B = [3, 0, 4];

    [Theory]
    [InlineData(SimilarityFunction.Cosine, 11f / 15)]      // a·b = 11, |a| = 3, |b| = 5
    [InlineData(SimilarityFunction.Dot, 11f)]
    [InlineData(SimilarityFunction.Euclidean, -3.4641016f)] // −√(4 + 4 + 4)
    [InlineData(SimilarityFunction.Manhattan, -6f)]         // −(2 + 2 + 2)
    public void PairMatchesHandWorkedValue(SimilarityFunction function, float expected) =>
        Assert.Equal(expected, Similarity.Compute(A, B, function), 1e-6f);

    [Fact]
    public void MatrixAndPairwiseArrangeThePairs()
    {
        var s = Similarity.Matrix([A, B], [B, A, A], SimilarityFunction.Dot);
        Assert.Equal(new float[,] { { 11, 9, 9 }, { 25, 11, 11 } }, s);
        Assert.Equal([11f, 11f], Similarity.Pairwise([A, B], [B, A], SimilarityFunction.Dot));
    }

    [Fact]
    public void ZeroVectorHasCosineZeroNotNaN() => Assert.Equal(0f, Similarity.Compute([0, 0], [1, 2]));

    [Fact]
    public void ManhattanCoversLongVectorsBeyondTheChunk()
    {
        var a = Enumerable.Range(0, 1000).Select(i => (float)i).ToArray();
        var b = new float[1000];
        Assert.Equal(-Enumerable.Range(0, 1000).Sum(i => (double)i), Similarity.Compute(a, b, SimilarityFunction.Manhattan), 1e-3);
    }

    [Fact]
    public void BadArgumentsAreArgumentExceptions()
    {
        Assert.Throws<ArgumentException>(() => Similarity.Compute([1, 2], [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => Similarity.Pairwise([A], [A, B]));
        Assert.Throws<ArgumentNullException>(() => Similarity.Matrix([A, null!], [B]));
        Assert.True(Similarity.TryParse("manhattan", out var f) && f == SimilarityFunction.Manhattan);
        Assert.False(Similarity.TryParse("Cosine", out _));
    }
}
