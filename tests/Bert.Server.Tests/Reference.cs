namespace Bert.Server.Tests;

/// <summary>Expected values from the core library's own paths (padded <c>Forward</c>, <c>Encode</c>, <c>Classify</c>), not the server's.</summary>
internal static class Reference
{
    public static float[] Normalized(float[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return [.. v.Select(x => (float)(x / Math.Max(norm, 1e-12)))];
    }

    public static float[] Floats(System.Text.Json.JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];

    /// <summary>Max |a − b|, failing on length mismatch.</summary>
    public static double MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    /// <summary>Sentences of 5–40 words from a fixed word list (the synthetic vocabulary tokenizes any lower-case word).</summary>
    public static string[] Sentences(int count, int seed)
    {
        string[] words = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "model", "server", "batch", "token",
            "river", "bank", "money", "music", "piano", "weather", "today", "sunny", "cold", "rain", "city", "night"];
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(5, 41)).Select(_ => words[random.Next(words.Length)])))];
    }
}
