using Bert.Kernels;
using Bert.Loading;

namespace Bert.Model;

/// <summary>HF BertIntermediate: y = act(dense(x)), hidden → intermediate.</summary>
internal sealed class BertIntermediate(LinearWeight dense, HiddenActivationKind activation)
{
    /// <summary>Reads <c>{prefix}.dense</c>.</summary>
    public static BertIntermediate Load(IWeightSource weights, string prefix, BertConfig config)
        => new(WeightLoader.Linear(weights, prefix + ".dense", config.IntermediateSize, config.HiddenSize), HiddenActivation.Parse(config.HiddenAct));

    // x: [tokens, hidden]; y: [tokens, intermediate]
    /// <summary>y = act(x·Wᵀ + b).</summary>
    public void Forward(ReadOnlySpan<float> x, int tokens, Span<float> y)
    {
        Gemm.Linear(x, dense, tokens, y, HiddenActivation.ToGemm(activation));
    }
}

/// <summary>HF BertLayer: attention, then the feed-forward block (BertIntermediate, BertOutput).</summary>
internal sealed class BertLayer
{
    private readonly BertAttention _attention;
    private readonly BertIntermediate _intermediate;
    private readonly BertResidualOutput _output;
    // Names built once so that observing allocates nothing per call.
    private readonly string _contextName, _attentionOutputName, _intermediateName, _outputName;

    private BertLayer(int index, BertAttention attention, BertIntermediate intermediate, BertResidualOutput output)
    {
        _attention = attention;
        _intermediate = intermediate;
        _output = output;
        _contextName = $"layer{index}.attention.context";
        _attentionOutputName = $"layer{index}.attention_output";
        _intermediateName = $"layer{index}.intermediate";
        _outputName = $"layer{index}.output";
    }

    /// <summary>Reads <c>encoder.layer.{index}.*</c>.</summary>
    public static BertLayer Load(IWeightSource weights, int index, BertConfig config)
    {
        string prefix = $"encoder.layer.{index}";
        return new BertLayer(index,
            BertAttention.Load(weights, prefix + ".attention", config),
            BertIntermediate.Load(weights, prefix + ".intermediate", config),
            BertResidualOutput.Load(weights, prefix + ".output", config.IntermediateSize, config));
    }

    /// <summary>Replaces <see cref="Workspace.Hidden"/> by this layer's output.</summary>
    public void Forward(Workspace ws, BertObserver? observer)
    {
        _attention.Forward(ws.Hidden, ws, ws.AttentionOutput);
        _intermediate.Forward(ws.AttentionOutput, ws.Tokens, ws.Intermediate);
        _output.Forward(ws.Intermediate, ws.AttentionOutput, ws.Tokens, ws.Projection, ws.Hidden);
        if (observer is null) return;
        observer(_contextName, ws.Context, ws.Tokens, ws.Context.Length / ws.Tokens);
        observer(_attentionOutputName, ws.AttentionOutput, ws.Tokens, ws.AttentionOutput.Length / ws.Tokens);
        observer(_intermediateName, ws.Intermediate, ws.Tokens, ws.Intermediate.Length / ws.Tokens);
        observer(_outputName, ws.Hidden, ws.Tokens, ws.Hidden.Length / ws.Tokens);
    }
}

/// <summary>HF BertEncoder: the stack of BertLayers.</summary>
internal sealed class BertEncoder(BertLayer[] layers)
{
    /// <summary>Reads <c>encoder.layer.0..n−1</c>.</summary>
    public static BertEncoder Load(IWeightSource weights, BertConfig config)
    {
        // The last layer must exist before num_hidden_layers sizes anything (a hostile config must not allocate first).
        string last = $"encoder.layer.{config.NumHiddenLayers - 1}.attention.self.query.weight";
        if (config.NumHiddenLayers > 0 && !weights.Contains(last))
            throw new BertFormatException("config.json", "num_hidden_layers",
                $"{config.NumHiddenLayers} layers are configured but the checkpoint has no {last}.");
        var layers = new BertLayer[config.NumHiddenLayers];
        for (int i = 0; i < layers.Length; i++) layers[i] = BertLayer.Load(weights, i, config);
        return new BertEncoder(layers);
    }

    /// <summary>Runs every layer on <see cref="Workspace.Hidden"/> in place.</summary>
    public void Forward(Workspace ws, BertObserver? observer)
    {
        foreach (var layer in layers) layer.Forward(ws, observer);
    }
}
