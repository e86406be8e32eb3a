namespace Bert.Extensions.AI;

/// <summary>Settings of a <see cref="BertEmbeddingGenerator"/>; every property has a documented default.</summary>
public sealed class BertEmbeddingGeneratorOptions
{
    /// <summary>
    /// The model id reported in <see cref="Microsoft.Extensions.AI.EmbeddingGeneratorMetadata.DefaultModelId"/> and on
    /// each embedding. Default: the folder's name for <see cref="BertEmbeddingGenerator.Load"/>, else "bert".
    /// </summary>
    public string? ModelId { get; set; }

    /// <summary>
    /// Embedding settings applied to every request (pooling, normalization, max length, prompt, token budget); the
    /// request's <c>Dimensions</c> and its <c>prompt</c>/<c>prompt_name</c> additional properties override them.
    /// Default: none (follow the folder's sentence-transformers configuration).
    /// </summary>
    public EmbeddingOptions? Embedding { get; set; }
}
