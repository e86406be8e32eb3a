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
    public static JsonDocument ReadObject(string path) => ReadObject(path, default);

    /// <summary>Reads and parses a JSON object file with reader options (size-capped, strings checked).</summary>
    /// <exception cref="BertFormatException">Missing, unreadable, too large, or not a valid JSON object.</exception>
    public static JsonDocument ReadObject(string path, JsonDocumentOptions options) => Parse(ReadBytes(path), path, options, requireObject: true);

    /// <summary>Parses <paramref name="path"/> whatever its root kind (e.g. the array of <c>modules.json</c>).</summary>
    /// <exception cref="BertFormatException">Missing, too large, unreadable, invalid JSON or a lone surrogate.</exception>
    public static JsonDocument ReadAny(string path) => Parse(ReadBytes(path), path, default, requireObject: false);

    /// <summary>Parses UTF-8 <paramref name="utf8"/> (reported as <paramref name="path"/>); the root must be an object.</summary>
    /// <exception cref="BertFormatException">Invalid JSON or not an object.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string path) => Parse(utf8, path, default);

    /// <summary>Parses a JSON object (with reader options, e.g. trailing commas) and checks every string decodes.</summary>
    /// <exception cref="BertFormatException">Invalid UTF-8 or JSON, a root that is not an object, or a lone surrogate.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string path, JsonDocumentOptions options) =>
        Parse(utf8, path, options, requireObject: true);

    private static byte[] ReadBytes(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new BertFormatException(path, null, "the file does not exist.");
        if (info.Length > MaxBytes) throw new BertFormatException(path, null, $"the file has {info.Length} bytes, more than the {MaxBytes}-byte limit for JSON.");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BertFormatException(path, null, $"the file cannot be read: {e.Message}", e);
        }
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string path, JsonDocumentOptions options, bool requireObject)
    {
        // JsonDocument checks UTF-8 inside strings only when they are decoded: check it all up front.
        if (!Utf8.IsValid(utf8.Span)) throw new BertFormatException(path, null, "not valid UTF-8.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, options); // strict JSON by default, as Python's json module writes it
        }
        catch (JsonException e)
        {
            throw new BertFormatException(path, null, $"not valid JSON: {e.Message}", e);
        }
        try
        {
            var kind = document.RootElement.ValueKind;
            if (requireObject && kind != JsonValueKind.Object)
                throw new BertFormatException(path, null, $"the root is a JSON {kind}, not an object.");
            CheckStrings(document.RootElement, path, "");
        }
        catch
        {
            document.Dispose();
            throw;
        }
        return document;
    }

    /// <summary>
    /// Rejects strings (keys and values) that do not decode to valid UTF-16, such as the escape <c>"\ud800"</c>: .NET
    /// raises InvalidOperationException only when such a string is read, so every reader would need its own guard.
    /// </summary>
    /// <exception cref="BertFormatException">A string holds a lone surrogate; the field path is named.</exception>
    public static void CheckStrings(JsonElement element, string path, string field)
    {
        if (FindBadString(element) is not { } where) return;
        string full = field + where;
        throw new BertFormatException(path, full.Length == 0 ? null : full.TrimStart('.'),
            "the string holds an invalid escape (a lone UTF-16 surrogate such as \\ud800).");
    }

    /// <summary>Null when every key and string decodes; else the path to the first bad one (built only then, so a
    /// 2M-element array costs no strings).</summary>
    private static string? FindBadString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(element) ? null : "";
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindBadString(item) is { } inner) return $"[{i}]{inner}";
                    i++;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (NameOf(property) is not { } name) return "";
                    if (FindBadString(property.Value) is { } inner) return "." + name + inner;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> from a stream of unknown length, refusing larger input before it is all buffered.</summary>
    /// <exception cref="BertFormatException">The stream is longer than the limit, or cannot be read.</exception>
    public static byte[] ReadBounded(Stream stream, string path, long maxBytes)
    {
        try
        {
            if (stream.CanSeek && stream.Length - stream.Position > maxBytes) throw TooLarge(path, stream.Length - stream.Position, maxBytes);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + n > maxBytes) throw TooLarge(path, buffer.Length + n, maxBytes);
                buffer.Write(chunk, 0, n);
            }
            return buffer.ToArray();
        }
        catch (IOException e)
        {
            throw new BertFormatException(path, null, $"the file cannot be read: {e.Message}", e);
        }
    }

    private static BertFormatException TooLarge(string path, long size, long max) =>
        new(path, null, $"the file has at least {size} bytes, more than the {max}-byte limit for this kind of file.");

    private static bool Decodes(JsonElement e)
    {
        try
        {
            _ = e.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string? NameOf(JsonProperty p)
    {
        try
        {
            return p.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
