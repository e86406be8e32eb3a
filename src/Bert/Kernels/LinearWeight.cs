namespace Bert.Kernels;

/// <summary>
/// The weight and bias of one <c>nn.Linear</c> (weight [out, in], row-major), prepared once for <see cref="Gemm"/>.
/// </summary>
internal sealed class LinearWeight
{
    private LinearWeight(float[] weight, float[] bias, int outFeatures, int inFeatures)
    {
        Weight = weight;
        Bias = bias;
        OutFeatures = outFeatures;
        InFeatures = inFeatures;
    }

    /// <summary>Columns of the input (k).</summary>
    public int InFeatures { get; }

    /// <summary>Columns of the output (n).</summary>
    public int OutFeatures { get; }

    /// <summary>Weight in nn.Linear layout [out, in].</summary>
    internal float[] Weight { get; }

    /// <summary>Bias [out] (all zeros when the layer has none).</summary>
    internal float[] Bias { get; }

    /// <summary>Copies (and lays out) a weight [out, in] and a bias [out] (empty: no bias).</summary>
    public static LinearWeight Create(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outFeatures, int inFeatures)
    {
        if (outFeatures <= 0 || inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), "Dimensions must be positive.");
        if (weight.Length != (long)outFeatures * inFeatures) throw new ArgumentException($"Weight has {weight.Length} elements, expected {outFeatures}×{inFeatures}.", nameof(weight));
        if (!bias.IsEmpty && bias.Length != outFeatures) throw new ArgumentException($"Bias has {bias.Length} elements, expected {outFeatures}.", nameof(bias));
        var b = new float[outFeatures];
        bias.CopyTo(b);
        return new LinearWeight(weight.ToArray(), b, outFeatures, inFeatures);
    }
}
