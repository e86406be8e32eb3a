using Bert.Kernels;

namespace Bert.Tests.Kernels;

/// <summary>Shapes that do not fit are rejected with a clear exception before any work.</summary>
public class KernelArgumentTests
{
    [Fact]
    public void LinearWeightRejectsWrongLengths()
    {
        Assert.Throws<ArgumentException>(() => LinearWeight.Create(new float[5], default, 2, 3));
        Assert.Throws<ArgumentException>(() => LinearWeight.Create(new float[6], new float[3], 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearWeight.Create(new float[0], default, 0, 3));
    }

    [Fact]
    public void PackFloat32RejectsPartsThatCannotStack()
    {
        var f32 = LinearWeight.Create(new float[6], new float[2], 2, 3);
        Assert.Throws<ArgumentException>(() => LinearWeight.PackFloat32());
        Assert.Throws<ArgumentException>(() => LinearWeight.PackFloat32(f32, LinearWeight.Create(new float[8], new float[2], 2, 4))); // in differs
        Assert.Throws<ArgumentException>(() => LinearWeight.PackFloat32(f32, LinearWeight.Create(new float[6], default, 2, 3)));      // bias on one only
        var e = Assert.Throws<ArgumentException>(() => LinearWeight.PackFloat32(f32.ToBFloat16()));
        Assert.Contains("BFloat16", e.Message);
        Assert.Throws<ArgumentException>(() => LinearWeight.PackFloat32(LinearWeight.PackFloat32(f32)));                            // already packed
    }

    [Fact]
    public void LinearRejectsShortSpans()
    {
        var w = LinearWeight.Create(new float[6], default, 2, 3);
        var e = Assert.Throws<ArgumentException>(() => Gemm.Linear(new float[5], w, 2, new float[4]));
        Assert.Contains("2×3", e.Message);
        Assert.Throws<ArgumentException>(() => Gemm.Linear(new float[6], w, 2, new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Linear(new float[6], w, -1, new float[4]));
    }

    [Fact]
    public void EmbeddingNamesTheBadIdAndPosition()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Embedding.Gather(new float[8], 4, [1, 2], new float[8]));
        Assert.Contains("Id 2 at position 1", e.Message);
        Assert.Contains("2 rows", e.Message);
    }

    [Fact]
    public void AttentionRejectsShortScratch()
    {
        var q = new float[2 * 4];
        Assert.Throws<ArgumentException>(() => Attention.Forward(q, q, q, default, 1, 2, 1, 4, new float[1], new float[8]));
    }

    [Fact]
    public void ActivationsRejectShortOutput()
    {
        Assert.Throws<ArgumentException>(() => Activations.Gelu(new float[3], new float[2]));
    }
}
