using Bert.Kernels;
using Bert.Loading;

namespace Bert.Model;

/// <summary>Small helpers that read HF-named tensors into the forms the modules keep.</summary>
internal static class WeightLoader
{
    /// <summary>An <c>nn.Linear(in, out)</c> stored as <c>{prefix}.weight</c> [out, in] and <c>{prefix}.bias</c> [out].</summary>
    /// <remarks>An <see cref="EncoderWeights"/> source returns the encoder's layers packed, as bfloat16 or as int8.</remarks>
    public static LinearWeight Linear(IWeightSource weights, string prefix, int outFeatures, int inFeatures)
        => (weights as EncoderWeights)?.TryLinear(prefix, outFeatures, inFeatures) ?? LinearWeight.Create(
            weights.Get(prefix + ".weight", [outFeatures, inFeatures]),
            weights.Get(prefix + ".bias", [outFeatures]),
            outFeatures, inFeatures);

    /// <summary>
    /// Several <c>nn.Linear</c> layers with the same input, stacked into one [Σ out, in] weight (and bias) so one GEMM
    /// computes them all, e.g. BertSelfAttention's query, key and value: y = x·[Wq; Wk; Wv]ᵀ + [bq; bk; bv].
    /// </summary>
    /// <remarks>
    /// An <see cref="EncoderWeights"/> source packs F32 encoder layers straight from the parts' views; otherwise each
    /// part is read as <see cref="Linear"/> reads it (so in the source's bfloat16/int8 format), then stacked into new
    /// arrays once at load.
    /// </remarks>
    public static LinearWeight Stacked(IWeightSource weights, ReadOnlySpan<string> prefixes, int outFeatures, int inFeatures)
    {
        if ((weights as EncoderWeights)?.TryStacked(prefixes, outFeatures, inFeatures) is { } converted) return converted;
        var parts = new LinearWeight[prefixes.Length];
        for (int i = 0; i < parts.Length; i++) parts[i] = Linear(weights, prefixes[i], outFeatures, inFeatures);
        return LinearWeight.Concatenate(parts);
    }

    /// <summary>
    /// True when a linear layer's weight or bias is present. A half-present layer then fails in <see cref="Linear"/>
    /// naming the missing tensor, instead of the head silently vanishing.
    /// </summary>
    public static bool HasAny(IWeightSource weights, string prefix)
        => weights.Contains(prefix + ".weight") || weights.Contains(prefix + ".bias");

    /// <summary>A vector of length n.</summary>
    public static ReadOnlyMemory<float> Vector(IWeightSource weights, string name, int n) => weights.Get(name, [n]);
}

/// <summary>The γ, β and ε of one <c>nn.LayerNorm</c>.</summary>
internal sealed class LayerNormWeight
{
    private LayerNormWeight(ReadOnlyMemory<float> gamma, ReadOnlyMemory<float> beta, float eps)
    {
        Gamma = gamma;
        Beta = beta;
        Eps = eps;
    }

    /// <summary>Scale γ [hidden].</summary>
    public ReadOnlyMemory<float> Gamma { get; }

    /// <summary>Shift β [hidden].</summary>
    public ReadOnlyMemory<float> Beta { get; }

    /// <summary>ε added to the variance.</summary>
    public float Eps { get; }

    /// <summary>Reads <c>{prefix}.weight</c> and <c>{prefix}.bias</c> (the source also resolves gamma/beta).</summary>
    public static LayerNormWeight Load(IWeightSource weights, string prefix, int hidden, float eps)
        => new(weights.Get(prefix + ".weight", [hidden]), weights.Get(prefix + ".bias", [hidden]), eps);
}
