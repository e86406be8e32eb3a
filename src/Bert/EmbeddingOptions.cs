using Bert.SentenceTransformers;

namespace Bert;

/// <summary>
/// Overrides of the embedding settings, per call (the <c>options</c> argument of <see cref="BertModel.Encode(string, EmbeddingOptions?)"/>
/// and its siblings) or per instance (<see cref="BertModel.EmbeddingDefaults"/>). A null property means "not set":
/// the per-call value wins over the per-instance one, which wins over the folder's
/// <see cref="BertModel.SentenceTransformerConfig"/>.
/// </summary>
public sealed record EmbeddingOptions
{
    /// <summary>Default <see cref="MaxBatchTokens"/>: 2048 tokens (about 75 MB of activations for BERT-Base, 20 MB for MiniLM-L6).</summary>
    public const int DefaultMaxBatchTokens = 2048;

    /// <summary>Pooling modes; default: the folder's Pooling module (<see cref="BertPooling.Mean"/> without one).</summary>
    public BertPooling? Pooling { get; init; }

    /// <summary>Divide each vector by its L2 norm, v / max(‖v‖₂, 1e-12); default: true when the folder has a Normalize module.</summary>
    public bool? Normalize { get; init; }

    /// <summary>
    /// Longest input in tokens, [CLS] and [SEP] included (sentence-transformers' <c>max_seq_length</c>); longer texts
    /// are cut from the right. Must be in [2, max_position_embeddings]. Default: the folder's <c>max_seq_length</c>
    /// (capped at max_position_embeddings), else <see cref="BertModel.MaxTextTokens"/>.
    /// </summary>
    public int? MaxLength { get; init; }

    /// <summary>
    /// Text put in front of every input (e.g. "query: "), as sentence-transformers' <c>prompt</c>; wins over
    /// <see cref="PromptName"/> set at the same level. "" means no prompt (not even the folder's default prompt).
    /// Default: the prompt named by the folder's <c>default_prompt_name</c>, else none.
    /// </summary>
    public string? Prompt { get; init; }

    /// <summary>Name of one of the folder's <c>prompts</c> (e.g. "query"), as sentence-transformers' <c>prompt_name</c>.</summary>
    public string? PromptName { get; init; }

    /// <summary>
    /// Pool over the prompt's tokens too; false excludes the first (prompt tokens + [CLS]) positions, as
    /// sentence-transformers' <c>include_prompt</c> (Cls pooling still takes token 0). Default: the folder's Pooling module, else true.
    /// </summary>
    public bool? IncludePrompt { get; init; }

    /// <summary>
    /// Keep only the first d floats of each vector (Matryoshka truncation, sentence-transformers' <c>truncate_dim</c>);
    /// 1 ≤ d ≤ the pooled dimension. When <see cref="Normalize"/> is on, the truncated vector is normalized (unit length). Default: no truncation.
    /// </summary>
    public int? TruncateDimension { get; init; }

    /// <summary>
    /// Token budget of one forward pass: texts are sorted by length and packed (no padding) into batches of at most this
    /// many tokens (a single text longer than the budget runs alone). Bounds the working memory of a call whatever the
    /// number of texts. Default <see cref="DefaultMaxBatchTokens"/>.
    /// </summary>
    public int? MaxBatchTokens { get; init; }

    /// <summary>The settings of <paramref name="overrides"/> where set, else those of this instance.</summary>
    /// <param name="overrides">Higher-priority options, or null.</param>
    /// <returns>The merged options.</returns>
    public EmbeddingOptions With(EmbeddingOptions? overrides)
    {
        if (overrides is null) return this;
        bool promptHere = overrides.Prompt is not null || overrides.PromptName is not null;
        return new EmbeddingOptions
        {
            Pooling = overrides.Pooling ?? Pooling,
            Normalize = overrides.Normalize ?? Normalize,
            MaxLength = overrides.MaxLength ?? MaxLength,
            // A prompt chosen at the higher level replaces both prompt settings of the lower one.
            Prompt = promptHere ? overrides.Prompt : Prompt,
            PromptName = promptHere ? overrides.PromptName : PromptName,
            IncludePrompt = overrides.IncludePrompt ?? IncludePrompt,
            TruncateDimension = overrides.TruncateDimension ?? TruncateDimension,
            MaxBatchTokens = overrides.MaxBatchTokens ?? MaxBatchTokens,
        };
    }
}
