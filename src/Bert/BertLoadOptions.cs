namespace Bert;

/// <summary>How the weights of the encoder's dense layers are stored in memory and multiplied.</summary>
/// <remarks>
/// The reduced types apply to the six <c>nn.Linear</c> layers of every encoder layer (attention query, key, value and
/// output dense, intermediate dense, output dense): about 85 % of BERT-Base's weights and nearly all of its FLOPs.
/// Embeddings, every LayerNorm, the biases, the pooler and the task heads (MLM, NSP, classifier, QA) stay F32:
/// they are small or run on few rows, and the heads' logits are what users compare.
/// </remarks>
public enum BertWeightType
{
    /// <summary>
    /// F32, the default: the same numbers as the checkpoint (F16/BF16 ones widened once). On CPUs with AVX-512 the six
    /// dense layers are laid out once at load into the GEMM's 48-channel panels (query, key and value as one [3·h, h]
    /// layer) and their mapped pages released, so resident memory holds one copy; loading BERT-Base then takes a few
    /// tenths of a second. Elsewhere they are used straight from the memory map.
    /// </summary>
    Float32,

    /// <summary>
    /// bfloat16 (2 bytes per weight): F32 weights are rounded to nearest even (as torch's <c>.to(torch.bfloat16)</c>);
    /// a BF16 checkpoint's bits are packed as they are, never widened. The weights are laid out once at load for the GEMM,
    /// which widens each to F32 in registers as it streams them, so all arithmetic is F32: the only error is the rounding
    /// of the weights (relative 2⁻⁹ at most).
    /// </summary>
    BFloat16,

    /// <summary>
    /// int8 with one F32 scale per output channel (1 byte per weight): w ≈ q · max|w_row| / 127, q ∈ [−127, 127], rounded
    /// to nearest even. At run time each row of activations is quantized symmetrically with its own scale to int16
    /// (up to ±32767 levels; fewer for very deep rows so that sums stay exact), the products are summed exactly in int32
    /// and the result is scaled back in F32 before the bias and activation. Fast on CPUs with AVX-512BW; elsewhere an
    /// exact but slow scalar loop runs. On all-MiniLM-L6-v2 the worst token cosine to F32 measured 0.996.
    /// </summary>
    Int8,
}

/// <summary>Options for <see cref="BertModel.Load(string, BertLoadOptions)"/>.</summary>
/// <example><code>
/// using var model = BertModel.Load("models/my-bert", new BertLoadOptions { WeightType = BertWeightType.BFloat16 });
/// </code></example>
public sealed record BertLoadOptions
{
    /// <summary>Storage and arithmetic of the encoder's dense-layer weights (see <see cref="BertWeightType"/>); default F32.</summary>
    public BertWeightType WeightType { get; init; } = BertWeightType.Float32;
}
