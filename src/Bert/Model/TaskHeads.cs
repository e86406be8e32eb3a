using Bert.Kernels;
using Bert.Loading;

namespace Bert.Model;

/// <summary>HF BertPredictionHeadTransform + BertLMPredictionHead (cls.predictions): logits = decoder(LayerNorm(act(dense(h)))) + bias.</summary>
internal sealed class BertLMPredictionHead(LinearWeight dense, HiddenActivationKind activation, LayerNormWeight layerNorm, LinearWeight decoder)
{
    /// <summary>
    /// Reads <c>cls.predictions.*</c>, or returns null when absent. The decoder is tied to the word embeddings when
    /// <c>cls.predictions.decoder.weight</c> is missing; its bias is <c>cls.predictions.bias</c> (or the legacy <c>decoder.bias</c>).
    /// </summary>
    public static BertLMPredictionHead? TryLoad(IWeightSource weights, BertConfig config, ReadOnlyMemory<float> wordEmbeddings)
    {
        const string p = "cls.predictions";
        if (!WeightLoader.HasAny(weights, p + ".transform.dense") && !weights.Contains(p + ".bias")) return null;
        int h = config.HiddenSize, v = config.VocabSize;
        var decoderWeight = weights.Contains(p + ".decoder.weight") ? weights.Get(p + ".decoder.weight", [v, h]) : wordEmbeddings;
        var bias = weights.Get(weights.Contains(p + ".bias") ? p + ".bias" : p + ".decoder.bias", [v]);
        return new BertLMPredictionHead(
            WeightLoader.Linear(weights, p + ".transform.dense", h, h),
            HiddenActivation.Parse(config.HiddenAct),
            LayerNormWeight.Load(weights, p + ".transform.LayerNorm", h, config.LayerNormEps),
            LinearWeight.Create(decoderWeight, bias, v, h));
    }

    // ws.Hidden: [tokens, hidden]; rows: [r] token rows, or empty for all; logits: [r or tokens, vocab]
    /// <summary>Prediction logits of the selected token rows (all when <paramref name="rows"/> is empty).</summary>
    public void Forward(Workspace ws, ReadOnlySpan<int> rows, Span<float> logits)
    {
        int h = dense.InFeatures, r = rows.IsEmpty ? ws.Tokens : rows.Length;
        ReadOnlySpan<float> hidden = ws.Hidden;
        if (!rows.IsEmpty)
        {
            // Gather the wanted rows first: the vocabulary-wide decoder then runs on r rows instead of all tokens.
            Embedding.Gather(ws.Hidden, h, rows, ws.Transform);
            hidden = ws.Transform[..(r * h)];
        }
        var projection = ws.Projection[..(r * h)];
        Gemm.Linear(hidden, dense, r, projection, HiddenActivation.ToGemm(activation));
        Normalization.LayerNorm(projection, layerNorm.Gamma.Span, layerNorm.Beta.Span, layerNorm.Eps, r, h, ws.Transform[..(r * h)]);
        Gemm.Linear(ws.Transform, decoder, r, logits);
    }
}

/// <summary>A single <c>nn.Linear</c> head: cls.seq_relationship, classifier, or one row pair of qa_outputs.</summary>
internal sealed class LinearHead(LinearWeight linear)
{
    /// <summary>Output features (labels).</summary>
    public int Labels => linear.OutFeatures;

    /// <summary>Reads <c>{prefix}.weight</c> [labels, hidden] and bias, or returns null when absent.</summary>
    public static LinearHead? TryLoad(IWeightSource weights, string prefix, int labels, int hidden)
        => WeightLoader.HasAny(weights, prefix) ? new LinearHead(WeightLoader.Linear(weights, prefix, labels, hidden)) : null;

    /// <summary>
    /// HF BertForQuestionAnswering's qa_outputs [2, hidden] split into its start row and end row, so each writes
    /// its own [tokens] logits without a strided copy. Null when absent.
    /// </summary>
    public static (LinearHead Start, LinearHead End)? TryLoadQuestionAnswering(IWeightSource weights, int hidden)
    {
        if (!WeightLoader.HasAny(weights, "qa_outputs")) return null;
        var w = weights.Get("qa_outputs.weight", [2, hidden]);
        var b = weights.Get("qa_outputs.bias", [2]);
        return (new LinearHead(LinearWeight.Create(w[..hidden], b[..1], 1, hidden)),
            new LinearHead(LinearWeight.Create(w[hidden..], b[1..], 1, hidden)));
    }

    // x: [rows, hidden]; y: [rows, labels]
    /// <summary>y = x·Wᵀ + b.</summary>
    public void Forward(ReadOnlySpan<float> x, int rows, Span<float> y) => Gemm.Linear(x, linear, rows, y);
}
