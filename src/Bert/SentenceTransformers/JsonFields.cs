using System.Text.Json;

namespace Bert.SentenceTransformers;

/// <summary>Typed, optional access to the keys of one JSON object; a wrong type is a <see cref="BertFormatException"/> naming file and key.</summary>
internal readonly struct JsonFields(JsonElement root, string path, string prefix = "")
{
    public bool TryGet(string key, out JsonElement value) =>
        root.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    public BertFormatException Error(string key, string problem) => new(path, prefix + key, problem);

    public BertFormatException Wrong(string key, JsonElement value, string expected) =>
        Error(key, $"expected {expected}, found {Shorten(value.GetRawText())}.");

    public bool? Bool(string key)
    {
        if (!TryGet(key, out var value)) return null;
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Wrong(key, value, "true or false");
        return value.GetBoolean();
    }

    public int? Int(string key)
    {
        if (!TryGet(key, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result)) throw Wrong(key, value, "a 32-bit integer");
        return result;
    }

    public string? String(string key)
    {
        if (!TryGet(key, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) throw Wrong(key, value, "a string");
        return value.GetString();
    }

    public Dictionary<string, string> StringMap(string key)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!TryGet(key, out var value)) return map;
        if (value.ValueKind != JsonValueKind.Object) throw Wrong(key, value, "an object of strings");
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String) throw Wrong($"{key}.{entry.Name}", entry.Value, "a string");
            map[entry.Name] = entry.Value.GetString()!;
        }
        return map;
    }

    public static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
