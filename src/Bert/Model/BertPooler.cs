using Bert.Kernels;
using Bert.Loading;

namespace Bert.Model;

/// <summary>HF BertPooler: pooled = tanh(dense(hidden[:, 0])), the [CLS] token of each sequence.</summary>
internal sealed class BertPooler(LinearWeight dense)
{
    /// <summary>Reads <c>pooler.dense</c>, or returns null when the checkpoint has no pooler (add_pooling_layer=False).</summary>
    public static BertPooler? TryLoad(IWeightSource weights, BertConfig config)
        => WeightLoader.HasAny(weights, "pooler.dense")
            ? new BertPooler(WeightLoader.Linear(weights, "pooler.dense", config.HiddenSize, config.HiddenSize))
            : null;

    /// <summary>Writes tanh(W·hidden[b·seq] + b) for every sequence b into <see cref="Workspace.Pooled"/>.</summary>
    public void Forward(Workspace ws)
    {
        Embedding.Gather(ws.Hidden, dense.InFeatures, ws.ClsRowIds, ws.ClsRows);
        Gemm.Linear(ws.ClsRows, dense, ws.Batch, ws.Pooled, GemmActivation.Tanh);
    }
}
