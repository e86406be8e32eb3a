using System.Text.Json;

namespace Bert.Hub;

/// <summary>
/// Which files of a repository make a BERT folder. Decision: the file list comes from the hub's API
/// (<c>/api/models/{id}/revision/{rev}</c>, one request that also pins the commit), so nothing is probed by trial and
/// every file downloaded belongs to that one commit.
/// </summary>
internal static class HubFiles
{
    public const string Config = "config.json";
    public const string Weights = "model.safetensors";
    public const string WeightsIndex = "model.safetensors.index.json";
    public const string Modules = "modules.json";

    /// <summary>Root files taken when the repository has them (config and weights are required; see <see cref="Select"/>).</summary>
    public static readonly string[] Optional =
    [
        "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        Modules, "sentence_bert_config.json", "config_sentence_transformers.json",
    ];

    private const long MaxJsonBytes = 16 << 20;

    /// <summary>
    /// The files of the first stage: config, weights (single file or index; shards come in a second stage once the index
    /// is read), tokenizer and sentence-transformers files present in <paramref name="siblings"/>.
    /// </summary>
    /// <exception cref="HubException">No config.json, or no safetensors weights (with a conversion hint for pytorch_model.bin).</exception>
    public static List<string> Select(string repoId, string revision, IReadOnlySet<string> siblings)
    {
        if (!siblings.Contains(Config))
            throw new HubException(HubErrorKind.EntryNotFound, $"'{repoId}' (revision {revision}) has no config.json at its root: it is not a transformers model folder.");
        var files = new List<string> { Config };
        if (siblings.Contains(Weights)) files.Add(Weights);
        else if (siblings.Contains(WeightsIndex)) files.Add(WeightsIndex);
        else throw NoSafetensors(repoId, revision, siblings);
        files.AddRange(Optional.Where(siblings.Contains));
        return files;
    }

    /// <summary>Files of the sentence-transformers modules named by modules.json (each module's <c>config.json</c>, and a
    /// Dense module's weights), when the repository has them.</summary>
    public static IEnumerable<string> ModuleFiles(string modulesJsonPath, IReadOnlySet<string> siblings)
    {
        foreach (string folder in ModuleFolders(modulesJsonPath))
            foreach (string name in (string[])["config.json", "model.safetensors"])
                if (siblings.Contains(folder + "/" + name)) yield return folder + "/" + name;
    }

    /// <summary>The non-root module folders listed in modules.json (<c>"path": "1_Pooling"</c>, ...).</summary>
    public static IEnumerable<string> ModuleFolders(string modulesJsonPath)
    {
        using var doc = ParseBounded(modulesJsonPath);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new BertFormatException(modulesJsonPath, null, "expected a JSON array of modules.");
        var folders = new List<string>();
        foreach (var module in doc.RootElement.EnumerateArray())
        {
            if (module.ValueKind == JsonValueKind.Object && module.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String
                && p.GetString() is { Length: > 0 } path && !path.Split('/').Any(s => s is "" or "." or "..")
                && !path.Contains(':') && !path.Contains('\\'))
                folders.Add(path.TrimEnd('/'));
        }
        return folders;
    }

    /// <summary>The shard files named by <c>weight_map</c> of a safetensors index, distinct, in first-seen order.</summary>
    public static IReadOnlyList<string> ShardsOf(string indexPath)
    {
        using var doc = ParseBounded(indexPath);
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("weight_map", out var map)
            || map.ValueKind != JsonValueKind.Object)
            throw new BertFormatException(indexPath, "weight_map", "missing or not an object.");
        var shards = new List<string>();
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String || entry.Value.GetString() is not { Length: > 0 } shard
                || shard.Contains('/') || shard.Contains('\\') || shard is "." or "..")
                throw new BertFormatException(indexPath, "weight_map." + entry.Name, "must name a file in the same folder.");
            if (!shards.Contains(shard)) shards.Add(shard);
        }
        return shards;
    }

    private static HubException NoSafetensors(string repoId, string revision, IReadOnlySet<string> siblings)
    {
        string found = siblings.Contains("pytorch_model.bin") || siblings.Any(s => s.StartsWith("pytorch_model-", StringComparison.Ordinal))
            ? "only PyTorch pickle weights (pytorch_model.bin), which this library does not read (pickles can run code). "
              + "Convert them once in Python: AutoModel.from_pretrained(id).save_pretrained(folder, safe_serialization=True), "
              + "then load that folder; or look for a converted revision (the hub's safetensors bot opens one as refs/pr/N: pass it as the revision)."
            : siblings.Any(s => s.EndsWith(".h5", StringComparison.Ordinal) || s.EndsWith(".msgpack", StringComparison.Ordinal) || s.EndsWith(".onnx", StringComparison.Ordinal))
                ? "no model.safetensors (only TensorFlow/Flax/ONNX weights); convert to safetensors with transformers' save_pretrained(safe_serialization=True)."
                : "no model.safetensors or model.safetensors.index.json.";
        return new HubException(HubErrorKind.UnsupportedFormat, $"'{repoId}' (revision {revision}) has {found}");
    }

    private static JsonDocument ParseBounded(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxJsonBytes) throw new BertFormatException(path, null, $"is {info.Length} bytes; at most {MaxJsonBytes} are read.");
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new BertFormatException(path, null, "is not valid JSON: " + e.Message, e);
        }
    }
}
