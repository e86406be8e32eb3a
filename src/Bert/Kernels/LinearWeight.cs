namespace Bert.Kernels;

/// <summary>
/// The weight and bias of one <c>nn.Linear</c> (weight [out, in], row-major) as <see cref="Gemm"/> consumes them.
/// </summary>
/// <remarks>Keeps references to the caller's memory (e.g. a memory-mapped checkpoint) rather than copying it.</remarks>
internal sealed class LinearWeight
{
    private LinearWeight(ReadOnlyMemory<float> weight, ReadOnlyMemory<float> bias, int outFeatures, int inFeatures)
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
    public ReadOnlyMemory<float> Weight { get; }

    /// <summary>Bias [out], or empty when the layer has none.</summary>
    public ReadOnlyMemory<float> Bias { get; }

    /// <summary>Wraps a weight [out, in] and a bias [out] (empty: no bias).</summary>
    /// <exception cref="ArgumentException">A length does not match the dimensions.</exception>
    public static LinearWeight Create(ReadOnlyMemory<float> weight, ReadOnlyMemory<float> bias, int outFeatures, int inFeatures)
    {
        if (outFeatures <= 0 || inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), "Dimensions must be positive.");
        if (weight.Length != (long)outFeatures * inFeatures) throw new ArgumentException($"Weight has {weight.Length} elements, expected {outFeatures}×{inFeatures}.", nameof(weight));
        if (!bias.IsEmpty && bias.Length != outFeatures) throw new ArgumentException($"Bias has {bias.Length} elements, expected {outFeatures}.", nameof(bias));
        return new LinearWeight(weight, bias, outFeatures, inFeatures);
    }
}
