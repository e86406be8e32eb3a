using Bert.Loading;

namespace Bert.Synthetic;

/// <summary>What <see cref="SyntheticCheckpoint.Create"/> writes. Every property has a documented default.</summary>
public sealed record SyntheticOptions
{
    /// <summary>Architecture; <c>Architectures</c>, <c>Id2Label</c> and <c>Label2Id</c> are filled in from the head.
    /// Default <see cref="SyntheticPresets.Tiny"/>.</summary>
    public BertConfig Config { get; init; } = SyntheticPresets.Tiny;

    /// <summary>The transformers class imitated. Default <see cref="SyntheticHead.BertModel"/>.</summary>
    public SyntheticHead Head { get; init; } = SyntheticHead.BertModel;

    /// <summary>Classes L of the sequence- and token-classification heads. Default 2.</summary>
    public int NumLabels { get; init; } = 2;

    /// <summary>Label names for <c>id2label</c> (length <see cref="NumLabels"/>); default <c>LABEL_0 … LABEL_{L-1}</c> as transformers names them.</summary>
    public IReadOnlyList<string>? LabelNames { get; init; }

    /// <summary>Stored element type of the safetensors files. Default F32.</summary>
    public SafeTensorDType DType { get; init; } = SafeTensorDType.F32;

    /// <summary>Seed of the deterministic generator: same seed, same options → same bytes. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary><c>bert.</c> prefix policy. Default <see cref="TensorNamePrefix.Auto"/> (as transformers saves).</summary>
    public TensorNamePrefix Prefix { get; init; } = TensorNamePrefix.Auto;

    /// <summary>Store LayerNorm parameters as <c>LayerNorm.gamma</c>/<c>LayerNorm.beta</c> (TF-era names). Default false.</summary>
    public bool LegacyLayerNormNames { get; init; }

    /// <summary>Number of weight files. 1 writes <c>model.safetensors</c>; N &gt; 1 writes
    /// <c>model-0000i-of-0000N.safetensors</c> and <c>model.safetensors.index.json</c>. Default 1.</summary>
    public int Shards { get; init; } = 1;

    /// <summary>Storage of the masked-LM decoder (MaskedLM, PreTraining). Default <see cref="MlmDecoderStorage.Tied"/>.</summary>
    public MlmDecoderStorage Decoder { get; init; } = MlmDecoderStorage.Tied;

    /// <summary>Also write the fast-tokenizer <c>tokenizer.json</c>. Default true.</summary>
    public bool WriteTokenizerJson { get; init; } = true;

    /// <summary>Also write <c>model.onnx</c>, an ONNX graph of the same (widened) weights. Default false.</summary>
    public bool WriteOnnx { get; init; }

    /// <summary>Expose <c>hidden_states.0</c> (embeddings) … <c>hidden_states.{layers}</c> as extra ONNX outputs [b,s,H]. Default false.</summary>
    public bool OnnxHiddenStates { get; init; }

    /// <summary>σ of Linear weights and embeddings, N(0, σ²) as HF <c>_init_weights</c>; written as config.json <c>initializer_range</c>. Default 0.02.</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>σ of the LayerNorm perturbation: weight = 1 + N(0, σ²), bias = N(0, σ²). Default 0.1 (HF's init would be 0: 1 and 0).</summary>
    public double LayerNormStd { get; init; } = 0.1;

    /// <summary>σ of every bias (Linear biases and <c>cls.predictions.bias</c>). Default 0.02 (HF's init would be 0).</summary>
    public double BiasStd { get; init; } = 0.02;

    /// <summary>The config written to config.json: <see cref="Config"/> with the head's architectures and labels.</summary>
    public BertConfig EffectiveConfig()
    {
        var config = Config with { Architectures = [ArchitectureName(Head)] };
        if (Head is not (SyntheticHead.SequenceClassification or SyntheticHead.TokenClassification)) return config with
        {
            Id2Label = new Dictionary<int, string>(), Label2Id = new Dictionary<string, int>(),
        };
        var names = LabelNames ?? Enumerable.Range(0, NumLabels).Select(i => $"LABEL_{i}").ToArray();
        if (names.Count != NumLabels) throw new ArgumentException($"LabelNames has {names.Count} names for {NumLabels} labels.");
        return config with
        {
            Id2Label = names.Select((n, i) => (n, i)).ToDictionary(p => p.i, p => p.n),
            Label2Id = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i),
        };
    }

    /// <summary>The transformers class name of <paramref name="head"/>, e.g. <c>BertForMaskedLM</c>.</summary>
    public static string ArchitectureName(SyntheticHead head) => head switch
    {
        SyntheticHead.BertModel => "BertModel",
        SyntheticHead.MaskedLM => "BertForMaskedLM",
        SyntheticHead.NextSentencePrediction => "BertForNextSentencePrediction",
        SyntheticHead.PreTraining => "BertForPreTraining",
        SyntheticHead.SequenceClassification => "BertForSequenceClassification",
        SyntheticHead.TokenClassification => "BertForTokenClassification",
        SyntheticHead.QuestionAnswering => "BertForQuestionAnswering",
        _ => throw new ArgumentOutOfRangeException(nameof(head)),
    };

    /// <summary>True when transformers builds this head's <c>BertModel</c> with the pooler
    /// (<c>add_pooling_layer=True</c>): bare model, NSP, pre-training and sequence classification.</summary>
    public static bool HasPooler(SyntheticHead head) =>
        head is SyntheticHead.BertModel or SyntheticHead.NextSentencePrediction
            or SyntheticHead.PreTraining or SyntheticHead.SequenceClassification;

    /// <summary>True when the head has the masked-LM prediction head (<c>cls.predictions.*</c>).</summary>
    public static bool HasMlmHead(SyntheticHead head) => head is SyntheticHead.MaskedLM or SyntheticHead.PreTraining;

    internal void Validate()
    {
        var c = Config;
        if (c.VocabSize < 16 || c.HiddenSize < 1 || c.NumHiddenLayers < 0 || c.NumAttentionHeads < 1
            || c.HiddenSize % c.NumAttentionHeads != 0 || c.IntermediateSize < 1 || c.MaxPositionEmbeddings < 1 || c.TypeVocabSize < 1)
            throw new ArgumentException("Config is not a valid BERT shape (vocab ≥ 16, heads must divide hidden, sizes ≥ 1).");
        if (c.PadTokenId < 0 || c.PadTokenId >= c.VocabSize) throw new ArgumentException("PadTokenId is outside the vocabulary.");
        if (c.HiddenAct is not ("gelu" or "gelu_new" or "gelu_pytorch_tanh" or "relu"))
            throw new ArgumentException($"hidden_act '{c.HiddenAct}' is not one of gelu, gelu_new, gelu_pytorch_tanh, relu.");
        if (!(InitializerRange >= 0) || !(LayerNormStd >= 0) || !(BiasStd >= 0)) throw new ArgumentException("Standard deviations must be ≥ 0.");
        if (c.PositionEmbeddingType != "absolute") throw new ArgumentException("Only position_embedding_type 'absolute' is supported.");
        if (NumLabels < 1) throw new ArgumentException("NumLabels must be at least 1.");
        if (Shards < 1) throw new ArgumentException("Shards must be at least 1.");
    }
}
