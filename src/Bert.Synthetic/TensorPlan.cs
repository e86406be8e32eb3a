namespace Bert.Synthetic;

/// <summary>How a tensor is initialised (see <see cref="WeightGenerator"/>).</summary>
internal enum TensorInit
{
    /// <summary>N(0, initializer_range²), as HF <c>_init_weights</c> for Linear weights.</summary>
    Weight,

    /// <summary>N(0, initializer_range²) with row <c>pad_token_id</c> zeroed, as HF does for <c>nn.Embedding(padding_idx)</c>.</summary>
    WordEmbedding,

    /// <summary>N(0, BiasStd²) — HF zeroes biases; random here so that they are exercised.</summary>
    Bias,

    /// <summary>1 + N(0, LayerNormStd²) — HF uses 1.</summary>
    NormWeight,

    /// <summary>N(0, LayerNormStd²) — HF uses 0.</summary>
    NormBias,

    /// <summary>A stored copy of another tensor (<see cref="PlannedTensor.CopyOf"/>).</summary>
    Copy,
}

/// <summary>One tensor of the checkpoint under its canonical name (bare <c>BertModel</c> names, head names as HF writes them).</summary>
internal sealed record PlannedTensor(string Name, int[] Shape, TensorInit Init, string? CopyOf = null)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>True for tensors of the <c>BertModel</c> part (embeddings, encoder, pooler), which task heads prefix with <c>bert.</c>.</summary>
    public bool IsEncoder => Name.StartsWith("embeddings.", StringComparison.Ordinal)
        || Name.StartsWith("encoder.", StringComparison.Ordinal) || Name.StartsWith("pooler.", StringComparison.Ordinal);
}

/// <summary>The tensors transformers' <c>save_pretrained</c> writes for a head, in module registration order (modeling_bert.py).</summary>
internal static class TensorPlan
{
    public static List<PlannedTensor> For(BertConfig c, SyntheticOptions options)
    {
        int h = c.HiddenSize, v = c.VocabSize;
        var list = new List<PlannedTensor>
        {
            new("embeddings.word_embeddings.weight", [v, h], TensorInit.WordEmbedding),
            new("embeddings.position_embeddings.weight", [c.MaxPositionEmbeddings, h], TensorInit.Weight),
            new("embeddings.token_type_embeddings.weight", [c.TypeVocabSize, h], TensorInit.Weight),
        };
        AddLayerNorm(list, "embeddings.LayerNorm", h);
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            string p = $"encoder.layer.{i}.";
            AddLinear(list, p + "attention.self.query", h, h);
            AddLinear(list, p + "attention.self.key", h, h);
            AddLinear(list, p + "attention.self.value", h, h);
            AddLinear(list, p + "attention.output.dense", h, h);
            AddLayerNorm(list, p + "attention.output.LayerNorm", h);
            AddLinear(list, p + "intermediate.dense", c.IntermediateSize, h);
            AddLinear(list, p + "output.dense", h, c.IntermediateSize);
            AddLayerNorm(list, p + "output.LayerNorm", h);
        }
        var head = options.Head;
        if (SyntheticOptions.HasPooler(head)) AddLinear(list, "pooler.dense", h, h);
        if (SyntheticOptions.HasMlmHead(head)) AddMlmHead(list, c, options.Decoder);
        switch (head)
        {
            case SyntheticHead.NextSentencePrediction or SyntheticHead.PreTraining:
                AddLinear(list, "cls.seq_relationship", 2, h);
                break;
            case SyntheticHead.SequenceClassification or SyntheticHead.TokenClassification:
                AddLinear(list, "classifier", options.NumLabels, h);
                break;
            case SyntheticHead.QuestionAnswering:
                AddLinear(list, "qa_outputs", 2, h);
                break;
        }
        return list;
    }

    /// <summary>The name under which <paramref name="tensor"/> is stored, given the prefix and LayerNorm naming options.</summary>
    public static string StoredName(PlannedTensor tensor, SyntheticOptions options)
    {
        string name = tensor.Name;
        if (options.LegacyLayerNormNames)
        {
            if (name.EndsWith(".LayerNorm.weight", StringComparison.Ordinal)) name = name[..^"weight".Length] + "gamma";
            else if (name.EndsWith(".LayerNorm.bias", StringComparison.Ordinal)) name = name[..^"bias".Length] + "beta";
        }
        bool prefix = options.Prefix switch
        {
            TensorNamePrefix.Bert => true,
            TensorNamePrefix.None => false,
            _ => options.Head != SyntheticHead.BertModel,
        };
        return prefix && tensor.IsEncoder ? "bert." + name : name;
    }

    // BertLMPredictionHead: transform (dense, act, LayerNorm), decoder Linear(H, V, bias=False) whose bias is the
    // separate parameter cls.predictions.bias (decoder.bias is the same parameter, so save_pretrained drops it).
    private static void AddMlmHead(List<PlannedTensor> list, BertConfig c, MlmDecoderStorage decoder)
    {
        AddLinear(list, "cls.predictions.transform.dense", c.HiddenSize, c.HiddenSize);
        AddLayerNorm(list, "cls.predictions.transform.LayerNorm", c.HiddenSize);
        list.Add(new("cls.predictions.bias", [c.VocabSize], TensorInit.Bias));
        if (decoder == MlmDecoderStorage.Untied)
            list.Add(new("cls.predictions.decoder.weight", [c.VocabSize, c.HiddenSize], TensorInit.Weight));
        else if (decoder == MlmDecoderStorage.TiedStored)
        {
            list.Add(new("cls.predictions.decoder.weight", [c.VocabSize, c.HiddenSize], TensorInit.Copy, "embeddings.word_embeddings.weight"));
            list.Add(new("cls.predictions.decoder.bias", [c.VocabSize], TensorInit.Copy, "cls.predictions.bias"));
        }
    }

    private static void AddLinear(List<PlannedTensor> list, string module, int outFeatures, int inFeatures)
    {
        list.Add(new(module + ".weight", [outFeatures, inFeatures], TensorInit.Weight));
        list.Add(new(module + ".bias", [outFeatures], TensorInit.Bias));
    }

    private static void AddLayerNorm(List<PlannedTensor> list, string module, int width)
    {
        list.Add(new(module + ".weight", [width], TensorInit.NormWeight));
        list.Add(new(module + ".bias", [width], TensorInit.NormBias));
    }
}
