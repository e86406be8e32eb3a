using Bert.Kernels;
using Bert.Loading;

namespace Bert.Model;

/// <summary>Small helpers that read HF-named tensors into the forms the modules keep.</summary>
internal static class WeightLoader
{
    /// <summary>An <c>nn.Linear(in, out)</c> stored as <c>{prefix}.weight</c> [out, in] and <c>{prefix}.bias</c> [out].</summary>
    public static LinearWeight Linear(IWeightSource weights, string prefix, int outFeatures, int inFeatures)
        => LinearWeight.Create(
            weights.Get(prefix + ".weight", [outFeatures, inFeatures]),
            weights.Get(prefix + ".bias", [outFeatures]),
            outFeatures, inFeatures);

    /// <summary>
    /// Several <c>nn.Linear</c> layers with the same input, stacked into one [Σ out, in] weight (and bias) so one GEMM
    /// computes them all, e.g. BertSelfAttention's query, key and value: y = x·[Wq; Wk; Wv]ᵀ + [bq; bk; bv].
    /// </summary>
    /// <remarks>A copy, made once at load: the per-layer weights it replaces are no longer read after it.</remarks>
    public static LinearWeight Stacked(IWeightSource weights, ReadOnlySpan<string> prefixes, int outFeatures, int inFeatures)
    {
        int rows = checked(prefixes.Length * outFeatures);
        var w = GC.AllocateUninitializedArray<float>(checked(rows * inFeatures));
        var b = GC.AllocateUninitializedArray<float>(rows);
        for (int i = 0; i < prefixes.Length; i++)
        {
            weights.Get(prefixes[i] + ".weight", [outFeatures, inFeatures]).Span.CopyTo(w.AsSpan(i * outFeatures * inFeatures));
            weights.Get(prefixes[i] + ".bias", [outFeatures]).Span.CopyTo(b.AsSpan(i * outFeatures));
        }
        return LinearWeight.Create(w, b, rows, inFeatures);
    }

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
