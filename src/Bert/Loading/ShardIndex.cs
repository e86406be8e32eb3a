using System.Text.Json;

namespace Bert.Loading;

/// <summary>
/// <c>model.safetensors.index.json</c> of a sharded checkpoint: <c>{"metadata": {...}, "weight_map": {tensor: shard file}}</c>.
/// </summary>
internal static class ShardIndex
{
    /// <summary>The index's file name, as transformers writes it.</summary>
    public const string FileName = "model.safetensors.index.json";

    /// <summary>Reads the weight map: tensor name → shard file name (a bare file name in the same folder).</summary>
    /// <exception cref="BertFormatException">The index is missing, invalid, empty, or names a shard outside its folder.</exception>
    public static IReadOnlyDictionary<string, string> ReadWeightMap(string path)
    {
        using var document = JsonFile.ReadObject(path);
        if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new BertFormatException(path, "weight_map", "missing or not an object.");
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new BertFormatException(path, "weight_map", $"the shard of '{entry.Name}' is a JSON {entry.Value.ValueKind}, not a file name.");
            string shard = entry.Value.GetString()!;
            // A shard is a sibling file: refuse paths so a crafted index cannot reach elsewhere on disk.
            if (shard.Length == 0 || shard is "." or ".." || System.IO.Path.GetFileName(shard) != shard || shard.Contains('\\'))
                throw new BertFormatException(path, "weight_map", $"the shard of '{entry.Name}' is '{shard}', not a file name in the checkpoint folder.");
            weightMap[entry.Name] = shard;
        }
        if (weightMap.Count == 0) throw new BertFormatException(path, "weight_map", "lists no tensors.");
        return weightMap;
    }
}
