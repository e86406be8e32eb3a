using Bert.Kernels;
using Bert.Kernels.Reference;
using Bert.SentenceTransformers;

namespace Bert.Tests.Kernels;

/// <summary>Pooling kernels: hand-worked values per mode, and the fast kernels against their naive twins over lengths and tails.</summary>
public class PoolingTests
{
    // x = [[1, 2], [3, -4], [5, 6]]: three token rows of width 2.
    private static readonly float[] X = [1, 2, 3, -4, 5, 6];

    public static TheoryData<BertPooling, int[], float[]> HandWorked() => new()
    {
        // mask [0,1,1] (row 0 excluded, as the prompt + [CLS] with include_prompt = false)
        { BertPooling.Mean, [0, 1, 1], [4f, 1f] },                               // ((3+5)/2, (−4+6)/2)
        { BertPooling.MeanSqrtLen, [0, 1, 1], [8f / MathF.Sqrt(2), 2f / MathF.Sqrt(2)] },
        { BertPooling.Max, [0, 1, 1], [5f, 6f] },                                // max(3, 5), max(−4, 6)
        { BertPooling.WeightedMean, [0, 1, 1], [4.2f, 2f] },                     // (2·3 + 3·5)/5, (2·−4 + 3·6)/5
        { BertPooling.LastToken, [0, 1, 1], [5f, 6f] },
        { BertPooling.Cls, [0, 1, 1], [1f, 2f] },                                // CLS ignores the mask
        // no mask
        { BertPooling.Mean, [], [3f, 4f / 3] },
        { BertPooling.WeightedMean, [], [22f / 6, 2f] },                         // (1 + 6 + 15)/6, (2 − 8 + 18)/6
        { BertPooling.LastToken, [1, 1, 0], [3f, -4f] },                         // last row with mask 1
        // every row masked: mean 0 (sum 0 / clamp), max −1e9 (masked rows are −1e9), last token zeros
        { BertPooling.Mean, [0, 0, 0], [0f, 0f] },
        { BertPooling.Max, [0, 0, 0], [-1e9f, -1e9f] },
        { BertPooling.LastToken, [0, 0, 0], [0f, 0f] },
        // concatenation in sentence-transformers' order: Cls, Max, Mean
        { BertPooling.Mean | BertPooling.Cls | BertPooling.Max, [0, 1, 1], [1f, 2f, 5f, 6f, 4f, 1f] },
    };

    [Theory]
    [MemberData(nameof(HandWorked))]
    public void EachModeGivesTheHandWorkedVector(BertPooling mode, int[] mask, float[] expected)
    {
        var y = new float[expected.Length];
        SentencePooling.Pool(X, mask, 3, 2, mode, y);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 1e-5f); // single-precision sums of 3 small terms
    }

    [Fact]
    public void MaxKeepsValuesBelowTheMaskSentinelWhenNothingIsMasked()
    {
        var y = new float[1];
        Pooling.MaskedMax([-3e9f, -2e9f], default, 2, 1, y);
        Assert.Equal(-2e9f, y[0]); // no row masked: −1e9 does not enter the maximum
    }

    [Fact]
    public void L2NormalizeMatchesTorchNormalizeIncludingZero()
    {
        float[] v = [3, 4];
        Pooling.L2Normalize(v);
        Assert.Equal([0.6f, 0.8f], v);
        float[] zero = [0, 0, 0];
        Pooling.L2Normalize(zero); // divided by the 1e-12 clamp: stays zero, no NaN
        Assert.Equal([0f, 0f, 0f], zero);
    }

    [Fact]
    public void KernelsMatchNaiveTwinsAcrossRowsColumnsAndMasks()
    {
        var kernels = new (string Name, Action<float[], int[], int, int, float[]> Fast, Action<float[], int[], int, int, float[]> Naive)[]
        {
            ("mean", (x, m, r, c, y) => Pooling.MaskedMean(x, m, r, c, y), (x, m, r, c, y) => NaivePooling.MaskedMean(x, m, r, c, y)),
            ("sqrt", (x, m, r, c, y) => Pooling.MaskedMeanSqrtLength(x, m, r, c, y), (x, m, r, c, y) => NaivePooling.MaskedMeanSqrtLength(x, m, r, c, y)),
            ("weighted", (x, m, r, c, y) => Pooling.PositionWeightedMean(x, m, r, c, y), (x, m, r, c, y) => NaivePooling.PositionWeightedMean(x, m, r, c, y)),
            ("max", (x, m, r, c, y) => Pooling.MaskedMax(x, m, r, c, y), (x, m, r, c, y) => NaivePooling.MaskedMax(x, m, r, c, y)),
        };
        var rng = new Random(11);
        foreach (int rows in new[] { 0, 1, 2, 3, 7, 16, 33, 128 })
            foreach (int cols in new[] { 1, 3, 7, 8, 15, 16, 17, 31, 64, 65, 257, 384 })
                foreach (var maskKind in new[] { "none", "prefix", "random" })
                {
                    var x = Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
                    int[] mask = maskKind switch
                    {
                        "none" => [],
                        "prefix" => [.. Enumerable.Range(0, rows).Select(r => r < rows / 3 ? 0 : 1)],
                        _ => [.. Enumerable.Range(0, rows).Select(_ => rng.Next(2))],
                    };
                    foreach (var (name, fast, naive) in kernels)
                    {
                        var y = new float[cols + 1]; // one spare float: the kernels must not write past cols
                        y[cols] = 42;
                        var expected = new float[cols];
                        fast(x, mask, rows, cols, y);
                        naive(x, mask, rows, cols, expected);
                        Assert.Equal(42, y[cols]);
                        // Float sums of ≤ 128 terms of |x| ≤ 2 (weights ≤ 128) against double: relative 1e-5 of the term scale.
                        for (int c = 0; c < cols; c++)
                            Assert.True(Math.Abs(expected[c] - y[c]) <= 1e-5 * Math.Max(1, Math.Abs(expected[c])), $"{name} rows {rows} cols {cols} mask {maskKind} [{c}]: {y[c]} vs {expected[c]}");
                    }
                }
    }

    [Fact]
    public void L2NormalizeMatchesTwinOnEveryLength()
    {
        var rng = new Random(5);
        for (int n = 0; n <= 257; n++)
        {
            var v = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 10 - 5)).ToArray();
            var expected = v.ToArray();
            Pooling.L2Normalize(v);
            NaivePooling.L2Normalize(expected);
            for (int i = 0; i < n; i++) Assert.True(Math.Abs(expected[i] - v[i]) <= 1e-6, $"n {n} [{i}]"); // unit vector, float rounding
        }
    }

    [Fact]
    public void ShapeMismatchIsAnArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Pooling.MaskedMean(new float[5], default, 3, 2, new float[2]));
        Assert.Throws<ArgumentException>(() => Pooling.MaskedMax(new float[6], new int[2], 3, 2, new float[2]));
        Assert.Throws<ArgumentException>(() => Pooling.PositionWeightedMean(new float[6], default, 3, 2, new float[1]));
    }
}
