using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bert.Onnx.Output;

/// <summary>JSON files as Python's <c>json.dump(indent=2, sort_keys=True)</c> lays them out for transformers: keys sorted,
/// two-space indent, floats in shortest round-trip form (<c>1e-12</c>).</summary>
internal static class JsonText
{
    public static string Serialize(object? values)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Write(json, values);
        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    public static void WriteFile(string folder, string relative, object? values)
    {
        string path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Serialize(values), new UTF8Encoding(false));
    }

    private static void Write(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case bool b: json.WriteBooleanValue(b); break;
            case string s: json.WriteStringValue(s); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case float f: json.WriteRawValue(Repr(f.ToString("R", CultureInfo.InvariantCulture))); break;
            case double d: json.WriteRawValue(Repr(d.ToString("R", CultureInfo.InvariantCulture))); break;
            case IReadOnlyDictionary<string, object?> map:
                json.WriteStartObject();
                foreach (var key in map.Keys.Order(StringComparer.Ordinal))
                {
                    json.WritePropertyName(key);
                    Write(json, map[key]);
                }
                json.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                json.WriteStartArray();
                foreach (var item in items) Write(json, item);
                json.WriteEndArray();
                break;
            default: throw new ArgumentException($"Cannot write {value.GetType()} as JSON.");
        }
    }

    // .NET "1E-12" / "0.1" / "3" → Python "1e-12" / "0.1" / "3.0".
    private static string Repr(string text)
    {
        text = text.Replace("E", "e", StringComparison.Ordinal);
        return text.Contains('e') || text.Contains('.') ? text : text + ".0";
    }
}
