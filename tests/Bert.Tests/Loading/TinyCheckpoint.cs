using Bert.Loading;

namespace Bert.Tests.Loading;

/// <summary>
/// A small BERT checkpoint written byte by byte: tensor names and shapes as transformers' <c>BertModel</c> saves them
/// (modeling_bert.py), filled with distinct seeded values.
/// </summary>
internal static class TinyCheckpoint
{
    public const string ConfigJson = """
        {"architectures": ["BertForMaskedLM"], "model_type": "bert", "vocab_size": 11, "hidden_size": 8,
         "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 12, "max_position_embeddings": 16,
         "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12, "pad_token_id": 0}
        """;

    public static readonly BertConfig Config = BertConfigReader.Parse(ConfigJson);

    /// <summary>Encoder tensors of a bare BertModel, names without prefix, with their shapes for <paramref name="c"/>.</summary>
    public static IEnumerable<(string Name, int[] Shape)> EncoderTensors(BertConfig c)
    {
        int h = c.HiddenSize, i = c.IntermediateSize;
        yield return ("embeddings.word_embeddings.weight", [c.VocabSize, h]);
        yield return ("embeddings.position_embeddings.weight", [c.MaxPositionEmbeddings, h]);
        yield return ("embeddings.token_type_embeddings.weight", [c.TypeVocabSize, h]);
        yield return ("embeddings.LayerNorm.weight", [h]);
        yield return ("embeddings.LayerNorm.bias", [h]);
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string p = $"encoder.layer.{l}.";
            foreach (string proj in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                yield return (p + proj + ".weight", [h, h]);
                yield return (p + proj + ".bias", [h]);
            }
            yield return (p + "attention.output.LayerNorm.weight", [h]);
            yield return (p + "attention.output.LayerNorm.bias", [h]);
            yield return (p + "intermediate.dense.weight", [i, h]);
            yield return (p + "intermediate.dense.bias", [i]);
            yield return (p + "output.dense.weight", [h, i]);
            yield return (p + "output.dense.bias", [h]);
            yield return (p + "output.LayerNorm.weight", [h]);
            yield return (p + "output.LayerNorm.bias", [h]);
        }
        yield return ("pooler.dense.weight", [h, h]);
        yield return ("pooler.dense.bias", [h]);
    }

    /// <summary>Distinct values per tensor: a seeded function of the bare name.</summary>
    public static float[] Values(string name, int[] shape)
    {
        var random = new Random(StableHash(name));
        var values = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int k = 0; k < values.Length; k++) values[k] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static int StableHash(string s)
    {
        int hash = 17;
        foreach (char ch in s) hash = hash * 31 + ch;
        return hash;
    }

    /// <summary>All encoder tensors plus an MLM head, stored under <paramref name="rename"/>(bare name).</summary>
    public static SafeTensorsBytes Tensors(Func<string, string> rename, BertConfig? config = null)
    {
        var c = config ?? Config;
        var bytes = new SafeTensorsBytes();
        foreach (var (name, shape) in EncoderTensors(c).Concat(HeadTensors(c)))
            bytes.F32(rename(name), shape, Values(name, shape));
        return bytes;
    }

    public static IEnumerable<(string Name, int[] Shape)> HeadTensors(BertConfig c)
    {
        yield return ("cls.predictions.transform.dense.weight", [c.HiddenSize, c.HiddenSize]);
        yield return ("cls.predictions.transform.dense.bias", [c.HiddenSize]);
        yield return ("cls.predictions.transform.LayerNorm.weight", [c.HiddenSize]);
        yield return ("cls.predictions.transform.LayerNorm.bias", [c.HiddenSize]);
        yield return ("cls.predictions.bias", [c.VocabSize]);
    }

    /// <summary>Writes config.json and model.safetensors into a new folder.</summary>
    public static string WriteFolder(TempFolder temp, string name, Func<string, string> rename, string? configJson = null)
    {
        string folder = temp.Folder(name);
        File.WriteAllText(Path.Combine(folder, "config.json"), configJson ?? ConfigJson);
        Tensors(rename).WriteTo(Path.Combine(folder, "model.safetensors"));
        return folder;
    }

    /// <summary>HF naming of a BertForMaskedLM: encoder under "bert.", heads as they are.</summary>
    public static string WithPrefix(string name) => name.StartsWith("cls.") ? name : "bert." + name;

    /// <summary>TF-converted checkpoints: LayerNorm.gamma / LayerNorm.beta, with the "bert." prefix.</summary>
    public static string GammaBeta(string name) =>
        WithPrefix(name.EndsWith("LayerNorm.weight") ? name[..^6] + "gamma" : name.EndsWith("LayerNorm.bias") ? name[..^4] + "beta" : name);
}
