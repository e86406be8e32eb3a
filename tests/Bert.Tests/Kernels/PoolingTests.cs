using Bert.Kernels;
using Bert.SentenceTransformers;

namespace Bert.Tests.Kernels;

/// <summary>Pooling kernels: hand-worked values per mode (the sweep against the naive twins is KernelCheck's "pooling", run per ISA).</summary>
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
    public void ShapeMismatchIsAnArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Pooling.MaskedMean(new float[5], default, 3, 2, new float[2]));
        Assert.Throws<ArgumentException>(() => Pooling.MaskedMax(new float[6], new int[2], 3, 2, new float[2]));
        Assert.Throws<ArgumentException>(() => Pooling.PositionWeightedMean(new float[6], default, 3, 2, new float[1]));
    }
}
