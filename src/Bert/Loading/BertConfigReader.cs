using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bert.Loading;

/// <summary>
/// Reads a Hugging Face <c>config.json</c> into a <see cref="BertConfig"/>.
/// </summary>
/// <remarks>
/// Missing keys (and keys whose value is <c>null</c>) take the defaults of transformers' <c>BertConfig()</c>;
/// keys this library does not use (dropout, initializer_range, ...) are ignored. Checked: <c>model_type</c> is
/// <c>bert</c> when present, sizes are positive, <c>hidden_size % num_attention_heads == 0</c>,
/// <c>0 ≤ pad_token_id &lt; vocab_size</c>, <c>layer_norm_eps</c> is finite and positive, <c>hidden_act</c> is one of
/// <c>gelu</c>, <c>gelu_new</c>, <c>gelu_pytorch_tanh</c>, <c>relu</c>, and <c>position_embedding_type</c> is <c>absolute</c>.
/// <c>id2label</c> keys are JSON strings holding non-negative integers, as transformers writes them.
/// </remarks>
public static class BertConfigReader
{
    /// <summary>The config's file name in a checkpoint folder.</summary>
    public const string FileName = "config.json";

    /// <summary>Values of <c>hidden_act</c> the encoder implements.</summary>
    public static IReadOnlyList<string> SupportedActivations { get; } = ["gelu", "gelu_new", "gelu_pytorch_tanh", "relu"];

    /// <summary>Reads and validates the config file at <paramref name="path"/>.</summary>
    /// <param name="path">Path of a <c>config.json</c>.</param>
    /// <exception cref="BertFormatException">The file is missing or invalid; the message names the key.</exception>
    public static BertConfig Read(string path)
    {
        using var document = JsonFile.ReadObject(path);
        return FromJson(document.RootElement, path);
    }

    /// <summary>Parses and validates config JSON text.</summary>
    /// <param name="json">The contents of a <c>config.json</c>.</param>
    /// <param name="path">The name to report in errors.</param>
    /// <exception cref="BertFormatException">The JSON is invalid; the message names the key.</exception>
    public static BertConfig Parse(string json, string path = FileName)
    {
        using var document = JsonFile.Parse(Encoding.UTF8.GetBytes(json), path);
        return FromJson(document.RootElement, path);
    }

    private static BertConfig FromJson(JsonElement root, string path)
    {
        var keys = new ConfigKeys(root, path);
        string? modelType = keys.String("model_type", null);
        if (modelType is not null && modelType != "bert")
            throw new BertFormatException(path, "model_type", $"'{modelType}' is not a BERT model (expected 'bert').");
        var defaults = new BertConfig();
        var config = new BertConfig
        {
            VocabSize = keys.Int("vocab_size", defaults.VocabSize),
            HiddenSize = keys.Int("hidden_size", defaults.HiddenSize),
            NumHiddenLayers = keys.Int("num_hidden_layers", defaults.NumHiddenLayers),
            NumAttentionHeads = keys.Int("num_attention_heads", defaults.NumAttentionHeads),
            IntermediateSize = keys.Int("intermediate_size", defaults.IntermediateSize),
            HiddenAct = keys.String("hidden_act", defaults.HiddenAct)!,
            MaxPositionEmbeddings = keys.Int("max_position_embeddings", defaults.MaxPositionEmbeddings),
            TypeVocabSize = keys.Int("type_vocab_size", defaults.TypeVocabSize),
            LayerNormEps = keys.Float("layer_norm_eps", defaults.LayerNormEps),
            PadTokenId = keys.Int("pad_token_id", defaults.PadTokenId),
            PositionEmbeddingType = keys.String("position_embedding_type", defaults.PositionEmbeddingType)!,
            Architectures = keys.StringList("architectures"),
            Id2Label = keys.Id2Label("id2label", keys.Int("num_labels", 0)),
            Label2Id = keys.Label2Id("label2id"),
            ProblemType = keys.String("problem_type", null),
            CrossEncoderActivationFunction = keys.CrossEncoderActivation(),
        };
        Validate(config, path);
        return config;
    }

    private static void Validate(BertConfig c, string path)
    {
        Positive(path, "vocab_size", c.VocabSize);
        Positive(path, "hidden_size", c.HiddenSize);
        Positive(path, "num_hidden_layers", c.NumHiddenLayers);
        Positive(path, "num_attention_heads", c.NumAttentionHeads);
        Positive(path, "intermediate_size", c.IntermediateSize);
        Positive(path, "max_position_embeddings", c.MaxPositionEmbeddings);
        Positive(path, "type_vocab_size", c.TypeVocabSize);
        // Upper bounds before anything is sized from them (num_hidden_layers 2^30 once allocated 8.6 GB of layer slots).
        AtMost(path, "vocab_size", c.VocabSize, MaxVocabSize);
        AtMost(path, "hidden_size", c.HiddenSize, MaxHiddenSize);
        AtMost(path, "num_hidden_layers", c.NumHiddenLayers, MaxLayers);
        AtMost(path, "num_attention_heads", c.NumAttentionHeads, c.HiddenSize);
        AtMost(path, "intermediate_size", c.IntermediateSize, MaxIntermediateSize);
        AtMost(path, "max_position_embeddings", c.MaxPositionEmbeddings, MaxPositions);
        AtMost(path, "type_vocab_size", c.TypeVocabSize, MaxTypeVocabSize);
        if (c.HiddenSize % c.NumAttentionHeads != 0)
            throw new BertFormatException(path, "num_attention_heads", $"hidden_size {c.HiddenSize} is not divisible by num_attention_heads {c.NumAttentionHeads}.");
        if (c.PadTokenId < 0 || c.PadTokenId >= c.VocabSize)
            throw new BertFormatException(path, "pad_token_id", $"{c.PadTokenId} is outside the vocabulary [0, {c.VocabSize}).");
        if (!float.IsFinite(c.LayerNormEps) || c.LayerNormEps <= 0)
            throw new BertFormatException(path, "layer_norm_eps", $"{c.LayerNormEps} is not a finite positive number.");
        if (!SupportedActivations.Contains(c.HiddenAct))
            throw new BertFormatException(path, "hidden_act", $"'{c.HiddenAct}' is not supported (supported: {string.Join(", ", SupportedActivations)}).");
        if (c.PositionEmbeddingType != "absolute")
            throw new BertFormatException(path, "position_embedding_type", $"'{c.PositionEmbeddingType}' is not supported (only 'absolute').");
        if (c.ProblemType is not (null or "regression" or "single_label_classification" or "multi_label_classification"))
            throw new BertFormatException(path, "problem_type", $"'{c.ProblemType}' is not one of regression, single_label_classification, multi_label_classification.");
    }

    /// <summary>Bounds on config.json sizes, far above any BERT (BERT-Large: H 1024, 24 layers, 4096, 30522, 512).</summary>
    public const int MaxVocabSize = 1 << 24, MaxHiddenSize = 1 << 16, MaxLayers = 1024, MaxIntermediateSize = 1 << 18,
        MaxPositions = 1 << 20, MaxTypeVocabSize = 1 << 16;

    private static void AtMost(string path, string key, int value, int limit)
    {
        if (value > limit) throw new BertFormatException(path, key, $"{value} exceeds the supported maximum {limit}.");
    }

    private static void Positive(string path, string key, int value)
    {
        if (value <= 0) throw new BertFormatException(path, key, $"{value} must be positive.");
    }

    /// <summary>Typed access to the keys of the root object; a wrong JSON type is a <see cref="BertFormatException"/> naming the key.</summary>
    private readonly struct ConfigKeys(JsonElement root, string path)
    {
        private bool TryGet(string key, out JsonElement value) =>
            root.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

        private BertFormatException Wrong(string key, JsonElement value, string expected) =>
            new(path, key, $"expected {expected}, found {Shorten(value.GetRawText())}.");

        public int Int(string key, int fallback)
        {
            if (!TryGet(key, out var value)) return fallback;
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result)) throw Wrong(key, value, "a 32-bit integer");
            return result;
        }

        public float Float(string key, float fallback)
        {
            if (!TryGet(key, out var value)) return fallback;
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double result)) throw Wrong(key, value, "a number");
            return (float)result;
        }

        public string? String(string key, string? fallback)
        {
            if (!TryGet(key, out var value)) return fallback;
            if (value.ValueKind != JsonValueKind.String) throw Wrong(key, value, "a string");
            return value.GetString();
        }

        public IReadOnlyList<string> StringList(string key)
        {
            if (!TryGet(key, out var value)) return [];
            if (value.ValueKind != JsonValueKind.Array) throw Wrong(key, value, "an array of strings");
            var list = new List<string>();
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) throw Wrong(key, item, "a string element");
                list.Add(item.GetString()!);
            }
            return list;
        }

        // HF PretrainedConfig: without id2label, num_labels (default 2 later) names the classes LABEL_0 … LABEL_{n-1}.
        public IReadOnlyDictionary<int, string> Id2Label(string key, int numLabels)
        {
            var map = new Dictionary<int, string>();
            if (!TryGet(key, out var value))
            {
                if (numLabels < 0) throw new BertFormatException(path, "num_labels", $"{numLabels} must not be negative.");
                for (int i = 0; i < numLabels; i++) map[i] = $"LABEL_{i}";
                return map;
            }
            if (value.ValueKind != JsonValueKind.Object) throw Wrong(key, value, "an object");
            foreach (var entry in value.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                    throw new BertFormatException(path, key, $"key \"{Shorten(entry.Name)}\" is not a non-negative integer.");
                if (entry.Value.ValueKind != JsonValueKind.String) throw Wrong(key, entry.Value, $"a string label for id {id}");
                map[id] = entry.Value.GetString()!;
            }
            return map;
        }

        public IReadOnlyDictionary<string, int> Label2Id(string key)
        {
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            if (!TryGet(key, out var value)) return map;
            if (value.ValueKind != JsonValueKind.Object) throw Wrong(key, value, "an object");
            foreach (var entry in value.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                    throw Wrong(key, entry.Value, $"a non-negative integer id for label \"{Shorten(entry.Name)}\"");
                map[entry.Name] = id;
            }
            return map;
        }

        // sentence-transformers ≥ 4 writes {"sentence_transformers": {"activation_fn": "..."}}; older versions a top-level key.
        public string? CrossEncoderActivation()
        {
            if (TryGet("sentence_transformers", out var st) && st.ValueKind == JsonValueKind.Object
                && st.TryGetProperty("activation_fn", out var fn) && fn.ValueKind != JsonValueKind.Null)
            {
                if (fn.ValueKind != JsonValueKind.String) throw Wrong("sentence_transformers.activation_fn", fn, "a string");
                return fn.GetString();
            }
            return String("sbert_ce_default_activation_function", null);
        }

        private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
    }
}
