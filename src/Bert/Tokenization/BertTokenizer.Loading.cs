namespace Bert.Tokenization;

public sealed partial class BertTokenizer
{
    /// <summary>
    /// Loads the tokenizer of a Hugging Face model folder: tokenizer.json if present, else vocab.txt; in both cases
    /// tokenizer_config.json, when present, supplies do_lower_case, strip_accents, tokenize_chinese_chars,
    /// model_max_length and the special token strings. A key present in tokenizer_config.json overrides
    /// tokenizer.json's normalizer (as HF's BertTokenizerFast does); an absent one leaves it as tokenizer.json says.
    /// </summary>
    /// <exception cref="BertFormatException">The folder has neither file, or a file is malformed (the message names file and field).</exception>
    public static BertTokenizer Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new BertFormatException(folder, null, "the tokenizer folder does not exist.");
        string configPath = Path.Combine(folder, "tokenizer_config.json");
        var config = File.Exists(configPath) ? TokenizerFiles.ReadConfig(configPath) : null;
        string jsonPath = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(jsonPath))
        {
            using var stream = OpenRead(jsonPath);
            var (vocabulary, options) = TokenizerFiles.ReadTokenizerJson(stream, jsonPath, config);
            return new BertTokenizer(vocabulary, options);
        }
        string vocabPath = Path.Combine(folder, "vocab.txt");
        if (!File.Exists(vocabPath))
            throw new BertFormatException(folder, "vocab.txt", "the folder has neither tokenizer.json nor vocab.txt.");
        var baseOptions = config is null ? new BertTokenizerOptions() : TokenizerFiles.ApplyConfig(new BertTokenizerOptions(), config, textSettings: true);
        return FromVocabFile(vocabPath, baseOptions);
    }

    /// <summary>Creates a tokenizer from a BERT vocab.txt (one token per line, id = line number).</summary>
    /// <param name="path">Path of vocab.txt.</param>
    /// <param name="options">Settings; null for HF's defaults (uncased).</param>
    /// <exception cref="BertFormatException">Missing or empty file, duplicate token, or no [UNK]/[CLS]/[SEP].</exception>
    public static BertTokenizer FromVocabFile(string path, BertTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = OpenRead(path);
        return FromVocabFile(stream, options, path);
    }

    /// <summary>Creates a tokenizer from a vocab.txt stream.</summary>
    /// <param name="stream">UTF-8 vocab.txt content.</param>
    /// <param name="options">Settings; null for HF's defaults (uncased).</param>
    /// <param name="source">Name used in error messages.</param>
    /// <exception cref="BertFormatException">Empty content, duplicate token, or no [UNK]/[CLS]/[SEP].</exception>
    public static BertTokenizer FromVocabFile(Stream stream, BertTokenizerOptions? options = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new BertTokenizerOptions();
        var vocabulary = Vocabulary.ReadVocabTxt(stream, source ?? "vocab.txt", options.ContinuingSubwordPrefix);
        return new BertTokenizer(vocabulary, options);
    }

    /// <summary>
    /// Creates a tokenizer from a Hugging Face tokenizer.json whose model is WordPiece (vocab, unk_token,
    /// continuing_subword_prefix, max_input_chars_per_word), reading the BertNormalizer options (also inside a
    /// Sequence), added_tokens and the [CLS]/[SEP] of the post_processor. Text always gets the slow tokenizer's
    /// semantics (BertPreTokenizer splitting, NFC).
    /// </summary>
    /// <exception cref="BertFormatException">Missing file, bad JSON, a model that is not WordPiece, or an inconsistent vocabulary.</exception>
    public static BertTokenizer FromTokenizerJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = OpenRead(path);
        return FromTokenizerJson(stream, path);
    }

    /// <summary>Creates a tokenizer from tokenizer.json content; see <see cref="FromTokenizerJson(string)"/>.</summary>
    /// <param name="stream">UTF-8 JSON.</param>
    /// <param name="source">Name used in error messages.</param>
    /// <exception cref="BertFormatException">Bad JSON, a model that is not WordPiece, or an inconsistent vocabulary.</exception>
    public static BertTokenizer FromTokenizerJson(Stream stream, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (vocabulary, options) = TokenizerFiles.ReadTokenizerJson(stream, source ?? "tokenizer.json", null);
        return new BertTokenizer(vocabulary, options);
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BertFormatException(path, null, $"cannot open the file: {e.Message}", e);
        }
    }
}
