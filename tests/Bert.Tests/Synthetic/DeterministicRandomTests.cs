using System.Security.Cryptography;
using Bert.Synthetic;

namespace Bert.Tests.Synthetic;

public sealed class DeterministicRandomTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synth-rng-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PortableLogMatchesTheRuntimeLogToAFewUlps()
    {
        // Math.Log is libm's (correctly rounded or within 1 ulp); ours is built from +−×÷ only. 2e-16 relative ≈ 1 ulp.
        for (double x = 1e-30; x < 1; x *= 1.0137)
        {
            double expected = Math.Log(x), actual = DeterministicRandom.Log(x);
            Assert.True(Math.Abs(actual - expected) <= 4e-16 * Math.Abs(expected) + 1e-300, $"ln({x}): {actual} vs {expected}");
        }
        Assert.Equal(0.0, DeterministicRandom.Log(1.0));
    }

    [Fact]
    public void NormalsHaveUnitVarianceAndNoVisibleCorrelation()
    {
        var values = new float[200_000];
        new DeterministicRandom(123).FillNormal(values, 0, 1);
        double mean = values.Average(v => (double)v), variance = values.Average(v => (v - mean) * (v - mean));
        double lag1 = Enumerable.Range(1, values.Length - 1).Average(i => (double)values[i] * values[i - 1]);
        // Standard errors for n = 2e5: mean 0.0022, variance 0.0032, lag-1 product 0.0022 — bounds are ~5 of them.
        Assert.InRange(mean, -0.011, 0.011);
        Assert.InRange(variance, 0.984, 1.016);
        Assert.InRange(lag1, -0.011, 0.011);
        Assert.InRange(values.Count(v => Math.Abs(v) > 3) / (double)values.Length, 0.0020, 0.0034); // P(|z|>3) = 0.0027
    }

    [Fact]
    public void TheTinyCheckpointIsPinnedByteForByte()
    {
        // Pins the generator, the tensor plan and the safetensors layout: a checkpoint made from the same options on any
        // machine, now or later, must be byte-identical (the generator uses no libm function; see DeterministicRandom).
        // Change this constant only with a deliberate change of the generated weights.
        var checkpoint = SyntheticCheckpoint.Create(_dir, new SyntheticOptions { Head = SyntheticHead.MaskedLM, Seed = 1 });
        string hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(checkpoint.WeightFiles[0])));
        Assert.Equal("f20f6ca900bb538013f28c1aa1ed3a5d297c6d64e97825d1c8b11cc77eecb314", hash);
    }
}
