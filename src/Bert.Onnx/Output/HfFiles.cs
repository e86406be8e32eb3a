using System.Text;
using Bert.Loading;
using Bert.Onnx.Graph;
using Bert.Onnx.Recognition;
using Bert.Tokenization;

namespace Bert.Onnx.Output;

/// <summary>The transformers files of the recovered folder: config.json, model.safetensors and the tokenizer files.</summary>
internal static class HfFiles
{
    /// <summary>The transformers version whose config layout is imitated.</summary>
    public const string TransformersVersion = "4.46.3";

    public static string WriteConfig(string folder, BertConfig c, bool tieWordEmbeddings)
    {
        var json = new Dictionary<string, object?>
        {
            ["architectures"] = c.Architectures.ToList(),
            ["attention_probs_dropout_prob"] = 0.1,
            ["classifier_dropout"] = null,
            ["hidden_act"] = c.HiddenAct,
            ["hidden_dropout_prob"] = 0.1,
            ["hidden_size"] = c.HiddenSize,
            ["initializer_range"] = 0.02,
            ["intermediate_size"] = c.IntermediateSize,
            ["layer_norm_eps"] = c.LayerNormEps,
            ["max_position_embeddings"] = c.MaxPositionEmbeddings,
            ["model_type"] = "bert",
            ["num_attention_heads"] = c.NumAttentionHeads,
            ["num_hidden_layers"] = c.NumHiddenLayers,
            ["pad_token_id"] = c.PadTokenId,
            ["position_embedding_type"] = c.PositionEmbeddingType,
            ["torch_dtype"] = "float32",
            ["transformers_version"] = TransformersVersion,
            ["type_vocab_size"] = c.TypeVocabSize,
            ["use_cache"] = true,
            ["vocab_size"] = c.VocabSize,
        };
        if (c.Id2Label.Count > 0)
        {
            json["id2label"] = c.Id2Label.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => (object?)p.Value);
            json["label2id"] = c.Label2Id.ToDictionary(p => p.Key, p => (object?)p.Value);
        }
        if (!tieWordEmbeddings) json["tie_word_embeddings"] = false;
        JsonText.WriteFile(folder, "config.json", json);
        return "config.json";
    }

    /// <summary>model.safetensors (F32, <c>{"format":"pt"}</c> metadata as save_pretrained writes), one tensor at a time.</summary>
    public static string WriteWeights(string folder, OnnxModelFile file, IReadOnlyList<(string Name, TensorSource Source)> tensors)
    {
        var specs = tensors.Select(t => new SafeTensorSpec(t.Name, SafeTensorDType.F32, Shape(t.Source)));
        using var writer = new SafeTensorsWriter(Path.Combine(folder, "model.safetensors"), specs, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var (name, source) in tensors)
        {
            float[] values = OnnxTensorValues.Floats(file, source.Tensor);
            writer.Write(name, source.Transpose ? Transposed(values, (int)source.Tensor.Dims[0], (int)source.Tensor.Dims[1]) : values);
        }
        return "model.safetensors";
    }

    public static IEnumerable<string> WriteTokenizer(string folder, string vocabPath, Vocabulary vocabulary, BertConfig config, OnnxImportOptions options)
    {
        File.Copy(vocabPath, Path.Combine(folder, "vocab.txt"));
        bool lower = options.DoLowerCase ?? !HasCasedTokens(vocabulary);
        var specials = new Dictionary<string, object?>
        {
            ["cls_token"] = "[CLS]", ["mask_token"] = "[MASK]", ["pad_token"] = "[PAD]", ["sep_token"] = "[SEP]", ["unk_token"] = "[UNK]",
        };
        var tokenizer = new Dictionary<string, object?>(specials)
        {
            ["clean_up_tokenization_spaces"] = true,
            ["do_basic_tokenize"] = true,
            ["do_lower_case"] = lower,
            ["model_max_length"] = options.MaxSeqLength ?? config.MaxPositionEmbeddings,
            ["never_split"] = null,
            ["strip_accents"] = null,
            ["tokenize_chinese_chars"] = true,
            ["tokenizer_class"] = "BertTokenizer",
        };
        JsonText.WriteFile(folder, "tokenizer_config.json", tokenizer);
        JsonText.WriteFile(folder, "special_tokens_map.json", specials);
        return ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json"];
    }

    // A lower-casing tokenizer can never produce a token that lower-casing would change. Cased vocabularies
    // (bert-base-cased: thousands) are full of them; uncased ones have none or a stray few (ℝ has no lower case, so it
    // does not count). More than 1% of the tokens means cased.
    private static bool HasCasedTokens(Vocabulary vocabulary)
    {
        int cased = 0;
        for (int id = 0; id < vocabulary.Count; id++)
        {
            string? token = vocabulary.GetToken(id);
            if (token is null || token.StartsWith('[') && token.EndsWith(']')) continue;
            if (!token.Equals(token.ToLowerInvariant(), StringComparison.Ordinal)) cased++;
        }
        return cased > vocabulary.Count / 100;
    }

    private static int[] Shape(TensorSource s)
    {
        var dims = s.Tensor.Dims.Select(d => checked((int)d)).ToArray();
        return s.Transpose ? [dims[1], dims[0]] : dims;
    }

    // [rows, cols] → [cols, rows]: a stored [in, out] MatMul weight becomes nn.Linear's [out, in].
    private static float[] Transposed(float[] values, int rows, int cols)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                result[c * rows + r] = values[r * cols + c];
        return result;
    }
}
