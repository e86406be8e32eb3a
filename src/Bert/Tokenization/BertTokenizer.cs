using System.Text;

namespace Bert.Tokenization;

/// <summary>
/// Hugging Face's slow <c>BertTokenizer</c> (transformers 4.29–4.57), ids for ids: special/added tokens are split out
/// of the raw text first; the rest is cleaned (NUL, U+FFFD and control/format chars removed, every whitespace a
/// separator), CJK ideographs become words, the text is NFC-normalised, lower-cased and accent-stripped as configured,
/// split on punctuation (Unicode P* and all ASCII symbols), and each word is split by greedy longest-match-first
/// WordPiece ("##" pieces; over 100 code points or unmatchable = [UNK]).
/// <para>
/// Immutable and safe for concurrent use by many threads. Character data comes from .NET's Unicode tables, which
/// may be a newer Unicode version than the user's Python: code points unassigned in Python's tables (removed there
/// as category Cn) are kept here if .NET knows them.
/// </para>
/// <para>
/// Known differences from HF, all deliberate: <see cref="Encode"/> truncates to <see cref="MaxLength"/> by default
/// (HF does not truncate unless asked); a truncation that cannot be done throws (HF logs an error and returns an
/// over-long encoding); a tokenizer.json gets the slow tokenizer's semantics (NFC first, lower-case before accent
/// stripping; the Rust normalizer differs only on exotic input); lone surrogates and U+FFFE are always removed;
/// the <c>never_split</c>, <c>do_basic_tokenize=False</c> and <c>do_split_on_punc=False</c> settings are not supported.
/// </para>
/// </summary>
public sealed partial class BertTokenizer
{
    private readonly TokenizerCore _core;
    private readonly HashSet<int> _specialIds;
    private readonly HashSet<int> _addedIds;   // added tokens that are not special

    /// <summary>Creates a tokenizer over <paramref name="vocabulary"/>.</summary>
    /// <param name="vocabulary">The WordPiece vocabulary.</param>
    /// <param name="options">Settings; null for HF's defaults (uncased BERT).</param>
    /// <exception cref="BertFormatException">The vocabulary lacks [UNK], [CLS], [SEP] or an additional special token.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="NotSupportedException">The process runs with InvariantGlobalization, where Unicode normalisation is a no-op.</exception>
    public BertTokenizer(Vocabulary vocabulary, BertTokenizerOptions? options = null) : this(vocabulary, options, exactPathOnly: false)
    {
    }

    /// <summary>
    /// Test hooks: <paramref name="exactPathOnly"/> sends every chunk through the exact (normalising) path (the oracle
    /// of the fast paths); <paramref name="vectorize"/> = false classifies fast runs with the table only, no SIMD.
    /// </summary>
    internal BertTokenizer(Vocabulary vocabulary, BertTokenizerOptions? options, bool exactPathOnly, bool vectorize = true)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        options ??= new BertTokenizerOptions();
        if (options.MaxLength < 2) throw new ArgumentException($"MaxLength must be at least 2 (for [CLS] and [SEP]); got {options.MaxLength}.", nameof(options));
        if (options.MaxInputCharsPerWord is < 1 or > BertTokenizerOptions.MaxInputCharsPerWordLimit)
            throw new ArgumentException($"MaxInputCharsPerWord must be in 1..{BertTokenizerOptions.MaxInputCharsPerWordLimit}; got {options.MaxInputCharsPerWord}.", nameof(options));
        if (vocabulary.ContinuingSubwordPrefix != options.ContinuingSubwordPrefix)
            throw new ArgumentException($"The vocabulary uses prefix '{vocabulary.ContinuingSubwordPrefix}' but the options say '{options.ContinuingSubwordPrefix}'.", nameof(options));
        EnsureNormalizationWorks();
        Vocabulary = vocabulary;
        Options = options;
        UnkTokenId = RequireId(options.UnknownToken, "unk_token");
        ClsTokenId = RequireId(options.ClassificationToken, "cls_token");
        SepTokenId = RequireId(options.SeparatorToken, "sep_token");
        PadTokenId = vocabulary.GetId(options.PaddingToken);
        MaskTokenId = vocabulary.GetId(options.MaskToken);
        var never = new List<(string, int)>();
        foreach (var token in new[] { options.UnknownToken, options.ClassificationToken, options.SeparatorToken, options.PaddingToken, options.MaskToken })
            if (vocabulary.GetId(token) is var id and >= 0) never.Add((token, id));
        foreach (var token in options.AdditionalSpecialTokens) never.Add((token, RequireId(token, "additional_special_tokens")));
        _specialIds = never.Select(t => t.Item2).ToHashSet();
        foreach (var token in options.AddedTokens) never.Add((token, RequireId(token, "added_tokens")));
        _addedIds = options.AddedTokens.Select(t => vocabulary.GetId(t)).Where(id => !_specialIds.Contains(id)).ToHashSet();
        _core = new TokenizerCore(vocabulary, UnkTokenId, new SpecialTokenMatcher(never), options.LowerCase,
            options.StripsAccents, options.TokenizeChineseChars, options.CleanText, options.MaxInputCharsPerWord, exactPathOnly, vectorize);
    }

    /// <summary>The vocabulary (token ↔ id).</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The settings in force.</summary>
    public BertTokenizerOptions Options { get; }

    /// <summary>Id of [CLS].</summary>
    public int ClsTokenId { get; }

    /// <summary>Id of [SEP].</summary>
    public int SepTokenId { get; }

    /// <summary>Id of [PAD], or -1 when the vocabulary has none (then padding throws).</summary>
    public int PadTokenId { get; }

    /// <summary>Id of [MASK], or -1 when the vocabulary has none.</summary>
    public int MaskTokenId { get; }

    /// <summary>Id of [UNK].</summary>
    public int UnkTokenId { get; }

    /// <summary>Default maximum sequence length (special tokens included).</summary>
    public int MaxLength => Options.MaxLength;

    /// <summary>Whether <paramref name="id"/> is a special token ([CLS], [SEP], [PAD], [UNK], [MASK] or an additional one).</summary>
    public bool IsSpecialTokenId(int id) => _specialIds.Contains(id);

    /// <summary>HF's <c>tokenize</c>: the token strings of <paramref name="text"/>, without [CLS]/[SEP].</summary>
    public string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sink = new ListSink(16);
        _core.Tokenize(text, ref sink);
        var tokens = new string[sink.Count];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = Vocabulary.GetToken(sink.Ids[i])!;
        return tokens;
    }

    /// <summary>Number of tokens of <paramref name="text"/> without [CLS]/[SEP]. Allocates nothing.</summary>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        var sink = new CountSink();
        _core.Tokenize(text, ref sink);
        return sink.Count;
    }

    /// <summary>
    /// Hot path: encodes <paramref name="text"/> into <paramref name="ids"/> and returns how many ids were written.
    /// Allocates nothing (after a thread's first call, which creates its scratch buffers) for text in ASCII,
    /// precomposed Latin/Greek/Cyrillic, Armenian, Hebrew, Arabic letters, kana, Hangul syllables, CJK, punctuation,
    /// symbols and emoji, and, when accents are stripped (uncased models), also with non-spacing marks (decomposed
    /// accents, Hebrew points, Thai tone marks). ICU's normaliser, which allocates about 96 bytes per call in .NET 10,
    /// is still needed for a word with a spacing or enclosing mark (Indic vowel signs), a Hangul jamo, a supplementary
    /// char other than emoji, or any mark when accents are kept. Thread-safe.
    /// With <paramref name="addSpecialTokens"/> the output is
    /// <c>[CLS] tokens [SEP]</c>. When the buffer is too small the text is truncated as HF's longest_first with
    /// max_length = ids.Length: the first ids.Length - 2 (or ids.Length without special tokens) tokens are kept
    /// and <paramref name="truncated"/> is true.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ids"/> is shorter than 2 while special tokens are requested.</exception>
    public int EncodeToIds(ReadOnlySpan<char> text, Span<int> ids, bool addSpecialTokens, out bool truncated)
    {
        if (addSpecialTokens && ids.Length < 2)
            throw new ArgumentException($"The id buffer holds {ids.Length} ids but [CLS] and [SEP] need 2.", nameof(ids));
        var body = addSpecialTokens ? ids[1..^1] : ids;
        var sink = new SpanSink(body);
        _core.Tokenize(text, ref sink);
        truncated = sink.Truncated;
        if (!addSpecialTokens) return sink.Count;
        ids[0] = ClsTokenId;
        ids[sink.Count + 1] = SepTokenId;
        return sink.Count + 2;
    }

    /// <summary>As <see cref="EncodeToIds(ReadOnlySpan{char}, Span{int}, bool, out bool)"/>; truncates silently when the buffer is too small.</summary>
    /// <exception cref="ArgumentException"><paramref name="ids"/> is shorter than 2 while special tokens are requested.</exception>
    public int EncodeToIds(ReadOnlySpan<char> text, Span<int> ids, bool addSpecialTokens = true) =>
        EncodeToIds(text, ids, addSpecialTokens, out _);

    /// <summary>
    /// HF's <c>decode</c>: ids to tokens (unknown ids become [UNK]; with <paramref name="skipSpecialTokens"/> the
    /// special ids, [UNK] included, are dropped), joined by spaces with " ##" removed and trimmed (an added non-special
    /// token is joined as a group of its own, as HF does), then with <paramref name="cleanUpTokenizationSpaces"/>
    /// HF's <c>clean_up_tokenization</c> (" ." → ".", " n't" → "n't", ...).
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true, bool cleanUpTokenizationSpaces = true)
    {
        var groups = new List<string>();
        var current = new StringBuilder();
        foreach (int id in ids)
        {
            if (skipSpecialTokens && _specialIds.Contains(id)) continue;
            string token = Vocabulary.GetToken(id) ?? Options.UnknownToken;
            if (_addedIds.Contains(id))
            {
                if (current.Length > 0 && TokensToString(current) is { Length: > 0 } text) groups.Add(text);
                current.Clear();
                groups.Add(token);
                continue;
            }
            if (current.Length > 0) current.Append(' ');
            current.Append(token);
        }
        if (current.Length > 0) groups.Add(TokensToString(current));
        string result = string.Join(' ', groups);
        return cleanUpTokenizationSpaces ? CleanUpTokenization(result) : result;
    }

    // HF's convert_tokens_to_string: " ".join(tokens).replace(" ##", "").strip()
    private string TokensToString(StringBuilder joined) =>
        joined.Replace(" " + Vocabulary.ContinuingSubwordPrefix, "").ToString().Trim();

    /// <summary>HF's <c>clean_up_tokenization</c>: removes the space before . ? ! , and English contractions.</summary>
    public static string CleanUpTokenization(string text) => text
        .Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
        .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re");

    private int RequireId(string token, string field)
    {
        int id = Vocabulary.GetId(token);
        if (id < 0) throw new BertFormatException(Vocabulary.Source, field, $"the vocabulary has no token '{token}'.");
        return id;
    }

    /// <summary>Throws when <paramref name="normalize"/> (string.Normalize by default) cannot decompose or compose "é".</summary>
    internal static void EnsureNormalizationWorks(Func<string, NormalizationForm, string>? normalize = null)
    {
        normalize ??= static (s, form) => s.Normalize(form);
        if (normalize("\u00e9", NormalizationForm.FormD).Length != 2 || normalize("e\u0301", NormalizationForm.FormC).Length != 1)
            throw new NotSupportedException("Unicode normalisation does not work in this process (InvariantGlobalization is on?); " +
                "the BERT tokenizer needs NFC and NFD. Set <InvariantGlobalization>false</InvariantGlobalization> and make ICU available.");
    }
}
