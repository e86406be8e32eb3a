using System.Text.Json;
using Bert.Loading;

namespace Bert.SentenceTransformers;

/// <summary>
/// Reads the sentence-transformers files of a folder (<c>modules.json</c> and the files of the modules it lists).
/// Module paths are taken from <c>modules.json</c>; missing keys take the defaults of sentence-transformers'
/// constructors (<c>Pooling(pooling_mode_mean_tokens=True, include_prompt=True)</c>, ...); unknown keys are ignored.
/// </summary>
internal static class SentenceTransformerConfigReader
{
    public const string ModulesFile = "modules.json";
    public const string SentenceBertConfigFile = "sentence_bert_config.json";
    public const string SentenceTransformersConfigFile = "config_sentence_transformers.json";

    /// <summary>Supported module types (the last dotted part of <c>type</c>, as in <c>sentence_transformers.models.Pooling</c>).</summary>
    private static readonly string[] SupportedModules = ["Transformer", "Pooling", "Normalize"];

    public static SentenceTransformerConfig Read(string folder)
    {
        string modulesPath = Path.Combine(folder, ModulesFile);
        if (!File.Exists(modulesPath)) return SentenceTransformerConfig.Default;
        var modules = ReadModules(folder, modulesPath);
        var config = new SentenceTransformerConfig { HasModules = true };
        bool pooled = false;
        foreach (var (type, path, index) in modules)
        {
            string field = $"[{index}].type";
            switch (type)
            {
                case "Transformer":
                    if (index != 0) throw new BertFormatException(modulesPath, field, "the Transformer module must come first.");
                    config = ReadTransformer(folder, path, config);
                    break;
                case "Pooling":
                    if (pooled) throw new BertFormatException(modulesPath, field, "a second Pooling module is not supported.");
                    config = ReadPooling(Path.Combine(folder, path, "config.json"), config);
                    pooled = true;
                    break;
                case "Normalize":
                    if (!pooled) throw new BertFormatException(modulesPath, field, "Normalize before any Pooling module is not supported.");
                    config = config with { Normalize = true };
                    break;
            }
        }
        if (modules.Count == 0 || modules[0].Type != "Transformer")
            throw new BertFormatException(modulesPath, "[0].type", "the first module must be a sentence_transformers Transformer.");
        if (!pooled) throw new BertFormatException(modulesPath, null, "no Pooling module: the embedding of a text is undefined.");
        return ReadModelConfig(Path.Combine(folder, SentenceTransformersConfigFile), config);
    }

    /// <summary>The modules in order: (last part of type, relative path, position).</summary>
    private static List<(string Type, string Path, int Index)> ReadModules(string folder, string modulesPath)
    {
        using var document = JsonFile.ReadAny(modulesPath);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new BertFormatException(modulesPath, null, $"the root is a JSON {document.RootElement.ValueKind}, not an array of modules.");
        var modules = new List<(string, string, int)>();
        int index = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw new BertFormatException(modulesPath, $"[{index}]", $"expected a module object, found {item.ValueKind}.");
            var fields = new JsonFields(item, modulesPath, $"[{index}].");
            string type = fields.String("type") ?? throw fields.Error("type", "missing.");
            string path = fields.String("path") ?? throw fields.Error("path", "missing.");
            string shortType = type[(type.LastIndexOf('.') + 1)..];
            if (!SupportedModules.Contains(shortType))
                throw fields.Error("type", $"module '{type}' is not supported (supported: {string.Join(", ", SupportedModules)}); its embeddings would be wrong without it.");
            modules.Add((shortType, CheckedPath(folder, path, modulesPath, $"[{index}].path"), index));
            index++;
        }
        return modules;
    }

    /// <summary>A module path relative to the folder that stays inside it.</summary>
    private static string CheckedPath(string folder, string path, string file, string field)
    {
        if (Path.IsPathRooted(path)) throw new BertFormatException(file, field, $"'{path}' is absolute; module paths are relative to the model folder.");
        string root = Path.GetFullPath(folder);
        string full = Path.GetFullPath(Path.Combine(root, path));
        string rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (full != root && !full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
            throw new BertFormatException(file, field, $"'{path}' leaves the model folder.");
        return path;
    }

    private static SentenceTransformerConfig ReadTransformer(string folder, string path, SentenceTransformerConfig config)
    {
        config = config with { TransformerPath = path };
        string file = Path.Combine(folder, path, SentenceBertConfigFile);
        if (!File.Exists(file)) return config;
        using var document = JsonFile.ReadObject(file);
        var fields = new JsonFields(document.RootElement, file);
        int? max = fields.Int("max_seq_length");
        if (max is < 2) throw fields.Error("max_seq_length", $"{max} is too small: [CLS] and [SEP] need 2 tokens.");
        return config with { MaxSeqLength = max, DoLowerCase = fields.Bool("do_lower_case") ?? false };
    }

    private static SentenceTransformerConfig ReadPooling(string file, SentenceTransformerConfig config)
    {
        using var document = JsonFile.ReadObject(file);
        var fields = new JsonFields(document.RootElement, file);
        int? dimension = fields.Int("word_embedding_dimension");
        if (dimension is <= 0) throw fields.Error("word_embedding_dimension", $"{dimension} must be positive.");
        var pooling = PoolingModes(fields);
        if (pooling == BertPooling.None) throw fields.Error("pooling_mode_mean_tokens", "every pooling_mode_* is false: no pooling mode is selected.");
        return config with
        {
            Pooling = pooling, IncludePrompt = fields.Bool("include_prompt") ?? true, WordEmbeddingDimension = dimension, PoolingConfigFile = file,
        };
    }

    private static BertPooling PoolingModes(JsonFields fields)
    {
        string? single = fields.String("pooling_mode");
        if (single is not null)
        {
            return single.ToLowerInvariant() switch
            {
                "cls" => BertPooling.Cls,
                "lasttoken" => BertPooling.LastToken,
                "max" => BertPooling.Max,
                "mean" => BertPooling.Mean,
                "mean_sqrt_len_tokens" => BertPooling.MeanSqrtLen,
                "weightedmean" => BertPooling.WeightedMean,
                _ => throw fields.Error("pooling_mode", $"'{single}' is not one of cls, lasttoken, max, mean, mean_sqrt_len_tokens, weightedmean."),
            };
        }
        var modes = BertPooling.None;
        if (fields.Bool("pooling_mode_cls_token") ?? false) modes |= BertPooling.Cls;
        if (fields.Bool("pooling_mode_mean_tokens") ?? true) modes |= BertPooling.Mean; // the constructor's default is True
        if (fields.Bool("pooling_mode_max_tokens") ?? false) modes |= BertPooling.Max;
        if (fields.Bool("pooling_mode_mean_sqrt_len_tokens") ?? false) modes |= BertPooling.MeanSqrtLen;
        if (fields.Bool("pooling_mode_weightedmean_tokens") ?? false) modes |= BertPooling.WeightedMean;
        if (fields.Bool("pooling_mode_lasttoken") ?? false) modes |= BertPooling.LastToken;
        return modes;
    }

    private static SentenceTransformerConfig ReadModelConfig(string file, SentenceTransformerConfig config)
    {
        if (!File.Exists(file)) return config;
        using var document = JsonFile.ReadObject(file);
        var fields = new JsonFields(document.RootElement, file);
        var prompts = fields.StringMap("prompts");
        string? defaultPrompt = fields.String("default_prompt_name");
        if (defaultPrompt is not null && !prompts.ContainsKey(defaultPrompt))
            throw fields.Error("default_prompt_name", $"'{defaultPrompt}' is not a key of prompts ({string.Join(", ", prompts.Keys.Select(k => $"'{k}'"))}).");
        string? similarity = fields.String("similarity_fn_name");
        var function = SimilarityFunction.Cosine;
        if (similarity is not null && !Similarity.TryParse(similarity, out function))
            throw fields.Error("similarity_fn_name", $"'{similarity}' is not one of cosine, dot, euclidean, manhattan.");
        return config with { Prompts = prompts, DefaultPromptName = defaultPrompt, SimilarityFunction = function };
    }
}
