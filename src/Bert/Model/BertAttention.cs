using Bert.Kernels;
using Bert.Loading;

namespace Bert.Model;

/// <summary>
/// HF BertSelfAttention: query/key/value projections and masked multi-head scaled dot-product attention, per sequence.
/// Query, key and value run as one GEMM over a stacked [3·hidden, hidden] weight (one pass over the activations, one
/// parallel job instead of three); attention reads q, k and v strided out of its [tokens, 3·hidden] output.
/// </summary>
internal sealed class BertSelfAttention(LinearWeight queryKeyValue, int heads, int headSize)
{
    /// <summary>Reads <c>{prefix}.query/key/value</c> and stacks them.</summary>
    public static BertSelfAttention Load(IWeightSource weights, string prefix, BertConfig config)
    {
        int h = config.HiddenSize;
        return new BertSelfAttention(
            WeightLoader.Stacked(weights, [prefix + ".query", prefix + ".key", prefix + ".value"], h, h),
            config.NumAttentionHeads, config.HeadSize);
    }

    // hidden: [tokens, hidden]; ws.Qkv: [tokens, 3·hidden]; ws.Context ← softmax(q·kᵀ/√d + mask)·v per (sequence, head)
    /// <summary>Writes the attention context of <paramref name="hidden"/> into <see cref="Workspace.Context"/>.</summary>
    public void Forward(ReadOnlySpan<float> hidden, Workspace ws)
    {
        int h = heads * headSize;
        var qkv = ws.Qkv;
        Gemm.Linear(hidden, queryKeyValue, ws.Tokens, qkv);
        Attention.Forward(qkv, qkv[h..], qkv[(2 * h)..], 3 * h, ws.AdditiveMask, ws.CumulativeSequenceLengths, ws.MaxSeq,
            heads, headSize, ws.AttentionScratch, ws.Context);
    }
}

/// <summary>HF BertSelfOutput and BertOutput: y = LayerNorm(dense(x) + residual) (dropout is identity).</summary>
internal sealed class BertResidualOutput(LinearWeight dense, LayerNormWeight layerNorm)
{
    /// <summary>Reads <c>{prefix}.dense</c> [hidden, inFeatures] and <c>{prefix}.LayerNorm</c>.</summary>
    public static BertResidualOutput Load(IWeightSource weights, string prefix, int inFeatures, BertConfig config)
        => new(WeightLoader.Linear(weights, prefix + ".dense", config.HiddenSize, inFeatures),
            LayerNormWeight.Load(weights, prefix + ".LayerNorm", config.HiddenSize, config.LayerNormEps));

    // x: [tokens, inFeatures]; residual, y: [tokens, hidden]; projection: scratch [tokens, hidden]
    /// <summary>y = LayerNorm(x·Wᵀ + b + residual).</summary>
    public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> residual, int tokens, Span<float> projection, Span<float> y)
    {
        Gemm.Linear(x, dense, tokens, projection);
        Normalization.AddLayerNorm(projection, residual, layerNorm.Gamma.Span, layerNorm.Beta.Span, layerNorm.Eps, tokens, dense.OutFeatures, y);
    }
}

/// <summary>HF BertAttention: BertSelfAttention followed by BertSelfOutput.</summary>
internal sealed class BertAttention(BertSelfAttention self, BertResidualOutput output)
{
    /// <summary>Reads <c>{prefix}.self.*</c> and <c>{prefix}.output.*</c>.</summary>
    public static BertAttention Load(IWeightSource weights, string prefix, BertConfig config)
        => new(BertSelfAttention.Load(weights, prefix + ".self", config),
            BertResidualOutput.Load(weights, prefix + ".output", config.HiddenSize, config));

    // hidden, y: [tokens, hidden]
    /// <summary>y = LayerNorm(dense(SelfAttention(hidden)) + hidden).</summary>
    public void Forward(ReadOnlySpan<float> hidden, Workspace ws, Span<float> y)
    {
        self.Forward(hidden, ws);
        output.Forward(ws.Context, hidden, ws.Tokens, ws.Projection, y); // Projection: the q third of Qkv, read by now
    }
}
