namespace Bert.Tokenization;

/// <summary>
/// Settings of a <see cref="BertTokenizer"/>, named after HF's <c>BertTokenizer.__init__</c> arguments. The defaults
/// are HF's (an uncased BERT). Loading a tokenizer.json or tokenizer_config.json fills them from the file.
/// </summary>
public sealed record BertTokenizerOptions
{
    /// <summary>HF <c>do_lower_case</c>: lower-case the text (not the special tokens). Default true.</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>
    /// HF <c>strip_accents</c>: remove accents (NFD, then drop category Mn). Null (default) follows
    /// <see cref="LowerCase"/>, as in the original BERT; false keeps accents even when lower-casing.
    /// </summary>
    public bool? StripAccents { get; init; }

    /// <summary>HF <c>tokenize_chinese_chars</c>: every CJK ideograph becomes a word of its own. Default true.</summary>
    public bool TokenizeChineseChars { get; init; } = true;

    /// <summary>
    /// Remove NUL, U+FFFD and control/format characters and turn every whitespace into a separator (HF
    /// <c>_clean_text</c>; the slow tokenizer always does it, tokenizer.json may turn it off). Default true.
    /// Lone surrogates and U+FFFE are removed even when false (.NET's Unicode normalisation rejects them).
    /// </summary>
    public bool CleanText { get; init; } = true;

    /// <summary>HF <c>unk_token</c>. Must be in the vocabulary. Default "[UNK]".</summary>
    public string UnknownToken { get; init; } = "[UNK]";

    /// <summary>HF <c>sep_token</c>. Must be in the vocabulary. Default "[SEP]".</summary>
    public string SeparatorToken { get; init; } = "[SEP]";

    /// <summary>HF <c>pad_token</c>. Padding is impossible when it is missing from the vocabulary. Default "[PAD]".</summary>
    public string PaddingToken { get; init; } = "[PAD]";

    /// <summary>HF <c>cls_token</c>. Must be in the vocabulary. Default "[CLS]".</summary>
    public string ClassificationToken { get; init; } = "[CLS]";

    /// <summary>HF <c>mask_token</c>. Default "[MASK]".</summary>
    public string MaskToken { get; init; } = "[MASK]";

    /// <summary>
    /// More special tokens (HF <c>additional_special_tokens</c>): matched in raw text, never split, dropped by
    /// <see cref="BertTokenizer.Decode"/> with skipSpecialTokens. Each must be in the vocabulary.
    /// </summary>
    public IReadOnlyList<string> AdditionalSpecialTokens { get; init; } = [];

    /// <summary>
    /// Added tokens that are not special (tokenizer.json <c>added_tokens</c> with <c>"special": false</c>): matched in
    /// raw text and never split, but kept by Decode. Each must be in the vocabulary.
    /// </summary>
    public IReadOnlyList<string> AddedTokens { get; init; } = [];

    /// <summary>Default maximum sequence length, special tokens included (HF <c>model_max_length</c>). Default 512.</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>HF <c>max_input_chars_per_word</c>: longer words (in code points) become [UNK]. Default 100.</summary>
    public int MaxInputCharsPerWord { get; init; } = 100;

    /// <summary>
    /// Largest accepted <see cref="MaxInputCharsPerWord"/>: 1024 (HF's default is 100). WordPiece costs up to
    /// O(word length) per character, so this bound keeps tokenization linear in the text for any configuration.
    /// </summary>
    public const int MaxInputCharsPerWordLimit = 1024;

    /// <summary>HF <c>continuing_subword_prefix</c>: marks a word-internal piece. Default "##".</summary>
    public string ContinuingSubwordPrefix { get; init; } = "##";

    /// <summary>Whether accents are stripped after resolving <see cref="StripAccents"/> = null.</summary>
    public bool StripsAccents => StripAccents ?? LowerCase;
}
