namespace Bert.Tokenization;

/// <summary>
/// The WordPiece vocabulary: a bijection between tokens and ids 0..<see cref="Count"/>-1 (ids may have gaps when
/// loaded from a tokenizer.json; a gap has no token). Immutable and thread-safe.
/// </summary>
public sealed class Vocabulary
{
    private readonly string?[] _tokens;
    private readonly SpanTable _all;            // every token, as written
    private readonly SpanTable _continuations;  // tokens that start with the prefix, keyed without it

    /// <summary>Builds a vocabulary from (token, id) pairs.</summary>
    /// <param name="entries">Distinct tokens with distinct non-negative ids.</param>
    /// <param name="continuingSubwordPrefix">Prefix marking a word-internal piece (HF: "##").</param>
    /// <param name="source">File name used in error messages (may be null).</param>
    /// <exception cref="BertFormatException">Empty vocabulary, negative id, duplicate token or duplicate id.</exception>
    public Vocabulary(IEnumerable<KeyValuePair<string, int>> entries, string continuingSubwordPrefix = "##", string? source = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(continuingSubwordPrefix);
        var list = new List<(string Key, int Value)>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int maxId = -1;
        foreach (var (token, id) in entries)
        {
            if (token is null) throw new BertFormatException(source, "vocab", $"token with id {id} is null.");
            if (id < 0) throw new BertFormatException(source, "vocab", $"token '{token}' has negative id {id}.");
            if (!seen.TryAdd(token, id))
                throw new BertFormatException(source, "vocab", $"duplicate token '{token}' (ids {seen[token]} and {id}).");
            list.Add((token, id));
            maxId = Math.Max(maxId, id);
        }
        if (list.Count == 0) throw new BertFormatException(source, "vocab", "the vocabulary is empty.");
        if (maxId >= 16 * (long)list.Count + 1024)
            throw new BertFormatException(source, "vocab", $"id {maxId} is far beyond the {list.Count} tokens (ids must be dense).");
        _tokens = new string?[maxId + 1];
        foreach (var (token, id) in list)
        {
            if (_tokens[id] is not null)
                throw new BertFormatException(source, "vocab", $"id {id} is used by both '{_tokens[id]}' and '{token}'.");
            _tokens[id] = token;
        }
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        _all = new SpanTable(list);
        var continuations = new List<(string Key, int Value)>();
        foreach (var (token, id) in list)
            if (token.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal))
                continuations.Add((token[continuingSubwordPrefix.Length..], id));
        _continuations = new SpanTable(continuations);
        AsciiInitial = new AsciiKeyTable(list);
        AsciiContinuation = new AsciiKeyTable(continuations);
        TokenCount = list.Count;
        Source = source;
    }

    /// <summary>The file the vocabulary was read from (for error messages), or null.</summary>
    public string? Source { get; }

    /// <summary>Size of the id space: the largest id + 1 (equals <see cref="TokenCount"/> for a vocab.txt).</summary>
    public int Count => _tokens.Length;

    /// <summary>Number of tokens.</summary>
    public int TokenCount { get; }

    /// <summary>Prefix of word-internal pieces, "##" for BERT.</summary>
    public string ContinuingSubwordPrefix { get; }

    /// <summary>The token of <paramref name="id"/>, or null when the id is out of range or unused.</summary>
    public string? GetToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    /// <summary>The id of <paramref name="token"/> (exact, case-sensitive), or -1.</summary>
    public int GetId(ReadOnlySpan<char> token) => _all.Find(token);

    /// <summary>Tries to find the id of <paramref name="token"/>.</summary>
    public bool TryGetId(ReadOnlySpan<char> token, out int id)
    {
        id = _all.Find(token);
        return id >= 0;
    }

    /// <summary>Whether <paramref name="token"/> is in the vocabulary.</summary>
    public bool Contains(ReadOnlySpan<char> token) => _all.Find(token) >= 0;

    /// <summary>All (token, id) pairs in id order.</summary>
    public IEnumerable<KeyValuePair<string, int>> Entries()
    {
        for (int id = 0; id < _tokens.Length; id++)
            if (_tokens[id] is { } token) yield return new(token, id);
    }

    /// <summary>Table of word-initial pieces (every token as written).</summary>
    internal SpanTable Initial => _all;

    /// <summary>Table of word-internal pieces keyed without the prefix ("##ing" is found as "ing").</summary>
    internal SpanTable Continuation => _continuations;

    /// <summary>The short ASCII keys of <see cref="Initial"/>, packed (the tokenizer's fast path).</summary>
    internal AsciiKeyTable AsciiInitial { get; }

    /// <summary>The short ASCII keys of <see cref="Continuation"/>, packed.</summary>
    internal AsciiKeyTable AsciiContinuation { get; }

    /// <summary>
    /// Reads a BERT vocab.txt: one token per line, id = line number from 0, UTF-8. As HF's <c>load_vocab</c>, only
    /// the line break is removed (a trailing '\r' of a CRLF file is removed too; other spaces are kept).
    /// </summary>
    /// <exception cref="BertFormatException">Empty file, invalid UTF-8, more than <see cref="MaxFileBytes"/> bytes or
    /// <see cref="MaxTokens"/> lines, or a duplicate token (the message names the lines).</exception>
    public static Vocabulary ReadVocabTxt(Stream stream, string? source, string continuingSubwordPrefix = "##")
    {
        ArgumentNullException.ThrowIfNull(stream);
        string text = DecodeStrict(Bert.Loading.JsonFile.ReadBounded(stream, source ?? "vocab.txt", MaxFileBytes), source);
        var entries = new List<KeyValuePair<string, int>>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl;
            int tokenEnd = end > start && text[end - 1] == '\r' ? end - 1 : end;
            string token = text[start..tokenEnd];
            int id = entries.Count;
            if (id == MaxTokens)
                throw new BertFormatException(source, $"line {id + 1}", $"the vocabulary has more than {MaxTokens} lines (real BERT vocabularies have 20k–250k).");
            if (!seen.TryAdd(token, id))
                throw new BertFormatException(source, $"line {id + 1}",
                    $"duplicate token '{token}' (first on line {seen[token] + 1}); HF would silently give both lines one id.");
            entries.Add(new(token, id));
            start = end + 1;
        }
        if (entries.Count == 0) throw new BertFormatException(source, null, "the vocabulary file is empty.");
        return new Vocabulary(entries, continuingSubwordPrefix, source);
    }

    /// <summary>Largest vocab.txt read: 32 MiB (a 250k-token vocabulary is ~3 MB).</summary>
    public const long MaxFileBytes = 32 << 20;

    /// <summary>Most lines a vocab.txt may have: 2²⁰, four times the largest real BERT vocabulary.</summary>
    public const int MaxTokens = 1 << 20;

    private static string DecodeStrict(byte[] bytes, string? source)
    {
        try
        {
            // HF's load_vocab reads UTF-8 strictly; .NET's default decoder would turn bad bytes into U+FFFD silently.
            var utf8 = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            int bom = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
            return utf8.GetString(bytes, bom, bytes.Length - bom);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new BertFormatException(source, $"byte {e.Index}", "the file is not valid UTF-8.", e);
        }
    }
}
