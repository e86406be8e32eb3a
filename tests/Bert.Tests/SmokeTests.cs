using Bert.Kernels.Reference;

namespace Bert.Tests;

public class SmokeTests
{
    [Fact]
    public void ErfReferenceMatchesKnownValues()
    {
        // Values from Abramowitz & Stegun table 7.1 (independent of our code).
        Assert.Equal(0.5204998778130465, NaiveKernels.Erf(0.5), 12);
        Assert.Equal(0.8427007929497149, NaiveKernels.Erf(1.0), 12);
        Assert.Equal(0.9953222650189527, NaiveKernels.Erf(2.0), 12);
        Assert.Equal(-0.9999779095030014, NaiveKernels.Erf(-3.0), 12);
    }
}
