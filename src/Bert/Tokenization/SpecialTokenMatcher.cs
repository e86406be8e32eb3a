using System.Buffers;

namespace Bert.Tokenization;

/// <summary>
/// Finds added/special tokens ([CLS], [SEP], [MASK], ...) in raw text before any normalisation, as HF's
/// <c>Trie.split</c> does: the leftmost occurrence wins, and among tokens starting there the longest. Matching is
/// exact and case-sensitive, and happens anywhere (also inside words: "a[MASK]b" gives "a", "[MASK]", "b").
/// </summary>
internal sealed class SpecialTokenMatcher
{
    private readonly (string Text, int Id)[] _tokens;   // longest first
    private readonly SearchValues<char>? _firstChars;

    public SpecialTokenMatcher(IEnumerable<(string Text, int Id)> tokens)
    {
        _tokens = tokens.Where(t => t.Text.Length > 0).DistinctBy(t => t.Text)
            .OrderByDescending(t => t.Text.Length).ThenBy(t => t.Text, StringComparer.Ordinal).ToArray();
        if (_tokens.Length > 0) _firstChars = SearchValues.Create(_tokens.Select(t => t.Text[0]).Distinct().ToArray());
    }

    /// <summary>The tokens that are never split, longest first.</summary>
    public IReadOnlyList<(string Text, int Id)> Tokens => _tokens;

    /// <summary>Finds the first added token at or after <paramref name="from"/>; returns its index or -1.</summary>
    public int FindNext(ReadOnlySpan<char> text, int from, out int length, out int id)
    {
        length = 0;
        id = -1;
        if (_firstChars is null) return -1;
        int pos = from;
        while (pos < text.Length)
        {
            int rel = text[pos..].IndexOfAny(_firstChars);
            if (rel < 0) return -1;
            pos += rel;
            var rest = text[pos..];
            foreach (var (token, tokenId) in _tokens)
            {
                if (rest.StartsWith(token, StringComparison.Ordinal))
                {
                    length = token.Length;
                    id = tokenId;
                    return pos;
                }
            }
            pos++;
        }
        return -1;
    }
}
