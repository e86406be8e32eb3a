using System.Text.Json;
using System.Text.Unicode;

namespace Bert.Loading;

/// <summary>Reads a small JSON file (config, shard index) with a size bound, turning every failure into <see cref="BertFormatException"/>.</summary>
internal static class JsonFile
{
    /// <summary>Largest JSON side file accepted: far above any real config or index (a few hundred KB).</summary>
    public const long MaxBytes = 64 << 20;

    /// <summary>Parses <paramref name="path"/>; the root must be an object.</summary>
    /// <exception cref="BertFormatException">Missing, too large, unreadable, invalid JSON, or not an object.</exception>
    public static JsonDocument ReadObject(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new BertFormatException(path, null, "the file does not exist.");
        if (info.Length > MaxBytes) throw new BertFormatException(path, null, $"the file has {info.Length} bytes, more than the {MaxBytes}-byte limit for JSON.");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BertFormatException(path, null, $"the file cannot be read: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses <paramref name="path"/> whatever its root kind (e.g. the array of <c>modules.json</c>).</summary>
    /// <exception cref="BertFormatException">Missing, too large, unreadable or invalid JSON.</exception>
    public static JsonDocument ReadAny(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new BertFormatException(path, null, "the file does not exist.");
        if (info.Length > MaxBytes) throw new BertFormatException(path, null, $"the file has {info.Length} bytes, more than the {MaxBytes}-byte limit for JSON.");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BertFormatException(path, null, $"the file cannot be read: {e.Message}", e);
        }
        if (!Utf8.IsValid(bytes)) throw new BertFormatException(path, null, "not valid UTF-8.");
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new BertFormatException(path, null, $"not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Parses UTF-8 <paramref name="utf8"/> (reported as <paramref name="path"/>); the root must be an object.</summary>
    /// <exception cref="BertFormatException">Invalid JSON or not an object.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string path)
    {
        // JsonDocument checks UTF-8 inside strings only when they are decoded: check it all up front.
        if (!Utf8.IsValid(utf8.Span)) throw new BertFormatException(path, null, "not valid UTF-8.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8); // strict JSON, as Python's json module writes it
        }
        catch (JsonException e)
        {
            throw new BertFormatException(path, null, $"not valid JSON: {e.Message}", e);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new BertFormatException(path, null, $"the root is a JSON {kind}, not an object.");
        }
        return document;
    }
}
