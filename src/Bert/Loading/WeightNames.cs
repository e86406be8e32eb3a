namespace Bert.Loading;

/// <summary>
/// The spellings under which a Hugging Face BERT tensor may be stored, and the shape check every source applies.
/// </summary>
/// <remarks>
/// A task model (<c>BertForMaskedLM</c>, ...) stores the encoder under <c>bert.</c>; checkpoints converted from the
/// original TensorFlow code name LayerNorm parameters <c>gamma</c>/<c>beta</c> instead of <c>weight</c>/<c>bias</c>
/// (transformers renames both on load). The exact name is always tried first.
/// </remarks>
internal static class WeightNames
{
    private const string Prefix = "bert.";

    /// <summary>Stored names to try for <paramref name="name"/>, most specific first.</summary>
    public static IEnumerable<string> Candidates(string name)
    {
        string? legacy = Legacy(name);
        yield return name;
        if (!name.StartsWith(Prefix, StringComparison.Ordinal)) yield return Prefix + name;
        if (legacy is null) yield break;
        yield return legacy;
        if (!legacy.StartsWith(Prefix, StringComparison.Ordinal)) yield return Prefix + legacy;
    }

    /// <summary>The TensorFlow-era spelling of a LayerNorm parameter (<c>gamma</c> for <c>weight</c>, <c>beta</c> for <c>bias</c>), or null.</summary>
    private static string? Legacy(string name) =>
        name.EndsWith("LayerNorm.weight", StringComparison.Ordinal) ? name[..^"weight".Length] + "gamma"
        : name.EndsWith("LayerNorm.bias", StringComparison.Ordinal) ? name[..^"bias".Length] + "beta"
        : null;

    /// <summary>Finds the first candidate spelling of <paramref name="name"/> present in <paramref name="stored"/>.</summary>
    public static bool TryResolve<T>(string name, IReadOnlyDictionary<string, T> stored, out string storedName, out T value)
    {
        foreach (string candidate in Candidates(name))
        {
            if (stored.TryGetValue(candidate, out value!))
            {
                storedName = candidate;
                return true;
            }
        }
        storedName = "";
        value = default!;
        return false;
    }

    /// <summary>The error for a tensor found under no spelling.</summary>
    public static BertFormatException Missing(string? file, string name) =>
        new(file, name, $"tensor is missing (also looked for {string.Join(", ", Candidates(name).Skip(1).Select(c => $"'{c}'"))}).");

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/> exactly (same rank and dimensions).</summary>
    /// <exception cref="BertFormatException">The shapes differ; the message names the tensor and both shapes.</exception>
    public static void CheckShape(string? file, string name, string storedName, IReadOnlyList<long> actual, ReadOnlySpan<int> expected)
    {
        bool same = actual.Count == expected.Length;
        for (int i = 0; same && i < expected.Length; i++) same = actual[i] == expected[i];
        if (same) return;
        string stored = storedName == name ? "" : $" (stored as '{storedName}')";
        throw new BertFormatException(file, name,
            $"tensor{stored} has shape {ShapeFormat.Text(actual)}, expected {ShapeFormat.Text(expected)} for this config.");
    }
}
