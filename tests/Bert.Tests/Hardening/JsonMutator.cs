using System.Text;
using System.Text.Json.Nodes;

namespace Bert.Tests.Hardening;

/// <summary>
/// Seeded structural damage to a JSON document: replaces, removes or duplicates one node, with values chosen to break
/// readers (wrong types, huge or negative numbers, lone surrogate escapes, long strings), or flips raw bytes.
/// </summary>
internal static class JsonMutator
{
    private static readonly string[] Replacements =
    [
        "null", "true", "0", "-1", "1e308", "2147483648", "1073741824", "9223372036854775807", "0.5", "\"x\"", "\"\"",
        "[]", "{}", "[\"x\"]", "{\"a\": 1}", "\"\\ud800\"", "\"\\udfff\"", "[1, 2, 3]", "\"" + new string('a', 300) + "\"",
    ];

    public static byte[] Mutate(byte[] valid, Random random)
    {
        if (random.Next(5) == 0) return ByteMutation(valid, random);
        var root = JsonNode.Parse(valid)!;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        string text;
        if (target == root) text = Replacements[random.Next(Replacements.Length)];
        else
        {
            string placeholder = "\"@@MUTATION@@\"";
            Replace(target, JsonNode.Parse(placeholder)!, random);
            string replacement = random.Next(4) == 0 ? "\"\\ud800x\"" : Replacements[random.Next(Replacements.Length)];
            text = root.ToJsonString().Replace(placeholder, replacement);
        }
        return Encoding.UTF8.GetBytes(text);
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        if (node is JsonObject o) foreach (var (_, child) in o) { if (child is not null) Collect(child, nodes); }
        else if (node is JsonArray a) foreach (var child in a) { if (child is not null) Collect(child, nodes); }
    }

    private static void Replace(JsonNode target, JsonNode replacement, Random random)
    {
        var parent = target.Parent!;
        if (parent is JsonObject o)
        {
            string key = target.GetPropertyName();
            if (random.Next(6) == 0) { o.Remove(key); o["\\ud800" + key] = replacement; return; }
            o[key] = replacement;
        }
        else if (parent is JsonArray a) a[a.IndexOf(target)] = replacement;
    }

    private const string JsonPunctuation = "{}[]\",:0-9eE\\u";

    public static byte[] ByteMutation(byte[] valid, Random random)
    {
        byte[] bytes = (byte[])valid.Clone();
        switch (random.Next(4))
        {
            case 0: return bytes[..random.Next(bytes.Length)];
            case 1: bytes[random.Next(bytes.Length)] = (byte)JsonPunctuation[random.Next(JsonPunctuation.Length)]; return bytes;
            case 2: bytes[random.Next(bytes.Length)] = (byte)random.Next(0x80, 0x100); return bytes; // invalid UTF-8
            default: for (int k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256); return bytes;
        }
    }
}
