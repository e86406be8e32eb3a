using Bert.Loading;

namespace Bert.Synthetic;

/// <summary>config.json as transformers' <c>BertConfig.to_json_file</c> writes it (all keys of a saved BertConfig, sorted).</summary>
internal static class HfConfigFile
{
    /// <summary>The transformers version recorded in config.json.</summary>
    public const string TransformersVersion = "4.46.3";

    public static string Serialize(BertConfig c, SyntheticOptions options)
    {
        var json = new Dictionary<string, object?>
        {
            ["_name_or_path"] = "synthetic-bert",
            ["architectures"] = c.Architectures.ToList(),
            ["attention_probs_dropout_prob"] = 0.1,
            ["classifier_dropout"] = null,
            ["hidden_act"] = c.HiddenAct,
            ["hidden_dropout_prob"] = 0.1,
            ["hidden_size"] = c.HiddenSize,
            ["initializer_range"] = options.InitializerRange,
            ["intermediate_size"] = c.IntermediateSize,
            ["layer_norm_eps"] = c.LayerNormEps, // float repr "1e-12", as Python prints the double 1e-12
            ["max_position_embeddings"] = c.MaxPositionEmbeddings,
            ["model_type"] = "bert",
            ["num_attention_heads"] = c.NumAttentionHeads,
            ["num_hidden_layers"] = c.NumHiddenLayers,
            ["pad_token_id"] = c.PadTokenId,
            ["position_embedding_type"] = c.PositionEmbeddingType,
            ["torch_dtype"] = options.DType switch
            {
                SafeTensorDType.F16 => "float16",
                SafeTensorDType.BF16 => "bfloat16",
                _ => "float32",
            },
            ["transformers_version"] = TransformersVersion,
            ["type_vocab_size"] = c.TypeVocabSize,
            ["use_cache"] = true,
            ["vocab_size"] = c.VocabSize,
        };
        if (c.Id2Label.Count > 0)
        {
            json["id2label"] = c.Id2Label.ToDictionary(p => p.Key, p => (object?)p.Value);
            json["label2id"] = c.Label2Id.ToDictionary(p => p.Key, p => (object?)p.Value);
        }
        if (SyntheticOptions.HasMlmHead(options.Head) && options.Decoder == MlmDecoderStorage.Untied)
            json["tie_word_embeddings"] = false;
        return PythonJson.Serialize(json);
    }
}
