namespace Bert.SentenceTransformers;

/// <summary>
/// How many texts go into each forward pass: texts sorted by token count (longest first, ties in input order, as
/// sentence-transformers sorts by length), then cut so that each batch holds at most a token budget. Pure functions.
/// </summary>
internal static class TokenBudgetBatches
{
    /// <summary>Indices of <paramref name="lengths"/> from the longest to the shortest; equal lengths keep input order.</summary>
    public static int[] LongestFirst(ReadOnlySpan<int> lengths)
    {
        var order = new int[lengths.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = lengths.ToArray();
        // Array.Sort is unstable: break ties on the index so the order is deterministic.
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
        return order;
    }

    /// <summary>
    /// End (exclusive) of the batch starting at <paramref name="start"/> of <paramref name="order"/>: as many texts as fit
    /// in <paramref name="budget"/> tokens, and at least one (a text longer than the budget runs alone).
    /// </summary>
    public static int BatchEnd(ReadOnlySpan<int> order, ReadOnlySpan<int> lengths, int start, int budget)
    {
        long tokens = lengths[order[start]];
        int end = start + 1;
        while (end < order.Length && tokens + lengths[order[end]] <= budget) tokens += lengths[order[end++]];
        return end;
    }
}
