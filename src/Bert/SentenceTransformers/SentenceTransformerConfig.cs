namespace Bert.SentenceTransformers;

/// <summary>
/// What a sentence-transformers folder says about its embeddings: the modules of <c>modules.json</c> (Transformer,
/// Pooling, Normalize), <c>1_Pooling/config.json</c>, <c>sentence_bert_config.json</c> and
/// <c>config_sentence_transformers.json</c>. <see cref="BertModel.Load(string)"/> reads it; the embedding methods follow it
/// unless <see cref="EmbeddingOptions"/> override a setting.
/// </summary>
/// <remarks>
/// A folder without <c>modules.json</c> is treated as sentence-transformers treats a plain transformers folder: mean
/// pooling, no normalization, max length min(tokenizer max length, max_position_embeddings), no prompts, cosine
/// similarity (<see cref="Default"/>).
/// </remarks>
public sealed record SentenceTransformerConfig
{
    /// <summary>Settings of a plain transformers folder: mean pooling, no Normalize, no prompts, cosine.</summary>
    public static SentenceTransformerConfig Default { get; } = new();

    /// <summary>True when the folder has <c>modules.json</c> (a sentence-transformers model); false for <see cref="Default"/>.</summary>
    public bool HasModules { get; init; }

    /// <summary>
    /// Folder of the Transformer module (the BERT weights and tokenizer) relative to the model folder, as
    /// <c>modules.json</c> gives it: "" (the folder itself) for every current model, e.g. "0_BERT" for very old ones.
    /// </summary>
    public string TransformerPath { get; init; } = "";

    /// <summary>The Pooling module's modes (<c>pooling_mode_*</c>); <see cref="BertPooling.Mean"/> by default.</summary>
    public BertPooling Pooling { get; init; } = BertPooling.Mean;

    /// <summary>The Pooling module's <c>include_prompt</c>: false excludes the prompt's tokens ([CLS] included) from pooling. Default true.</summary>
    public bool IncludePrompt { get; init; } = true;

    /// <summary>The Pooling module's <c>word_embedding_dimension</c>, or null when not stated.</summary>
    public int? WordEmbeddingDimension { get; init; }

    /// <summary>Path of the Pooling module's config.json (for error messages), or null.</summary>
    internal string? PoolingConfigFile { get; init; }

    /// <summary>True when <c>modules.json</c> lists a Normalize module after the pooling: vectors get unit L2 norm. Default false.</summary>
    public bool Normalize { get; init; }

    /// <summary><c>max_seq_length</c> of <c>sentence_bert_config.json</c> (tokens, [CLS] and [SEP] included), or null when not stated.</summary>
    public int? MaxSeqLength { get; init; }

    /// <summary><c>do_lower_case</c> of <c>sentence_bert_config.json</c>: lower-case each text before tokenizing. Default false.</summary>
    public bool DoLowerCase { get; init; }

    /// <summary>The named prompts of <c>config_sentence_transformers.json</c> (e.g. "query" → "query: "); empty by default.</summary>
    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>();

    /// <summary>The prompt applied when the caller names none (<c>default_prompt_name</c>), or null.</summary>
    public string? DefaultPromptName { get; init; }

    /// <summary><c>similarity_fn_name</c>; <see cref="SimilarityFunction.Cosine"/> when absent or null, as sentence-transformers.</summary>
    public SimilarityFunction SimilarityFunction { get; init; } = SimilarityFunction.Cosine;

    /// <summary>
    /// Reads the sentence-transformers files of <paramref name="folder"/>; <see cref="Default"/> when it has no <c>modules.json</c>.
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> is null.</exception>
    /// <exception cref="BertFormatException">A file is malformed, a field has the wrong type or value, a module path leaves the folder, or a module type is not supported; the message names the file and field.</exception>
    public static SentenceTransformerConfig Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return SentenceTransformerConfigReader.Read(folder);
    }
}
