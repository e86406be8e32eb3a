using System.Globalization;
using System.Text;

namespace Bert.Synthetic;

/// <summary>Writes JSON as Python's <c>json.dumps(obj, indent=2, sort_keys=True)</c> does (transformers' config.json):
/// ", " / ": " separators, two-space indent, keys sorted, non-ASCII escaped, floats in Python repr.</summary>
internal static class PythonJson
{
    /// <summary>Values: null, bool, string, int, long, float, double, IEnumerable of values, IDictionary&lt;string|int, value&gt;.</summary>
    public static string Serialize(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value, 0);
        return sb.Append('\n').ToString();
    }

    private static void Write(StringBuilder sb, object? value, int depth)
    {
        switch (value)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case string s: WriteString(sb, s); break;
            case int or long: sb.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case float f: sb.Append(PythonRepr(f.ToString("R", CultureInfo.InvariantCulture))); break;
            case double d: sb.Append(PythonRepr(d.ToString("R", CultureInfo.InvariantCulture))); break;
            case System.Collections.IDictionary map: WriteObject(sb, map, depth); break;
            case System.Collections.IEnumerable items: WriteArray(sb, items, depth); break;
            default: throw new ArgumentException($"Cannot write {value.GetType()} as JSON.");
        }
    }

    // sort_keys sorts int keys numerically and string keys by code point.
    private static void WriteObject(StringBuilder sb, System.Collections.IDictionary map, int depth)
    {
        var keys = map.Keys.Cast<object>().ToList();
        keys.Sort((a, b) => a is int x && b is int y ? x.CompareTo(y) : string.CompareOrdinal(a.ToString(), b.ToString()));
        if (keys.Count == 0) { sb.Append("{}"); return; }
        sb.Append("{\n");
        for (int i = 0; i < keys.Count; i++)
        {
            sb.Append(' ', 2 * (depth + 1));
            WriteString(sb, Convert.ToString(keys[i], CultureInfo.InvariantCulture)!);
            sb.Append(": ");
            Write(sb, map[keys[i]], depth + 1);
            sb.Append(i + 1 < keys.Count ? ",\n" : "\n");
        }
        sb.Append(' ', 2 * depth).Append('}');
    }

    private static void WriteArray(StringBuilder sb, System.Collections.IEnumerable items, int depth)
    {
        var list = items.Cast<object?>().ToList();
        if (list.Count == 0) { sb.Append("[]"); return; }
        sb.Append("[\n");
        for (int i = 0; i < list.Count; i++)
        {
            sb.Append(' ', 2 * (depth + 1));
            Write(sb, list[i], depth + 1);
            sb.Append(i + 1 < list.Count ? ",\n" : "\n");
        }
        sb.Append(' ', 2 * depth).Append(']');
    }

    // .NET "R": "1E-12", "0.1", "3" → Python repr: "1e-12", "0.1", "3.0".
    private static string PythonRepr(string text)
    {
        text = text.Replace("E", "e", StringComparison.Ordinal);
        return text.Contains('e') || text.Contains('.') || text.Contains("Infinity") || text == "NaN" ? text : text + ".0";
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7E) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
