using Microsoft.Extensions.AI;

namespace Bert.Extensions.AI;

/// <summary>
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a local <see cref="BertModel"/>: sentence-transformers
/// embeddings (the folder's pooling, Normalize, max length and prompts) computed in-process, batched by token budget.
/// </summary>
/// <remarks>
/// Request options: <see cref="EmbeddingGenerationOptions.Dimensions"/> keeps the first d floats of each vector
/// (Matryoshka truncation, sentence-transformers' <c>truncate_dim</c>; renormalized when the model normalizes), and
/// must be between 1 and the model's dimension; <see cref="EmbeddingGenerationOptions.ModelId"/> is informational (one
/// generator serves one model); the additional properties <c>"prompt_name"</c> (a key of the folder's prompts, e.g.
/// "query") and <c>"prompt"</c> (literal prefix text) choose the prompt. <see cref="GeneratedEmbeddings{TEmbedding}.Usage"/>
/// counts the tokens run through the model ([CLS], [SEP] and prompt included).
/// Thread-safe: concurrent requests are serialized per forward pass by the model.
/// </remarks>
public sealed class BertEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Provider name reported in the metadata.</summary>
    public const string ProviderName = "bert";

    private readonly bool _ownsModel;
    private readonly EmbeddingOptions _defaults;
    private readonly string _modelId;

    /// <summary>Wraps a model the caller owns (and disposes after this generator).</summary>
    /// <param name="model">The model; it needs a tokenizer.</param>
    /// <param name="options">Settings, or null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The model has no tokenizer.</exception>
    /// <exception cref="ArgumentException">The embedding options are invalid for this model.</exception>
    public BertEmbeddingGenerator(BertModel model, BertEmbeddingGeneratorOptions? options = null)
        : this(model, options, ownsModel: false, folder: null)
    {
    }

    private BertEmbeddingGenerator(BertModel model, BertEmbeddingGeneratorOptions? options, bool ownsModel, string? folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _ownsModel = ownsModel;
        _defaults = options?.Embedding ?? new EmbeddingOptions();
        _modelId = options?.ModelId ?? (folder is null ? "bert" : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
        int dimensions = model.GetEmbeddingDimension(_defaults); // checks the tokenizer and the options once, up front
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, folder is null ? null : new Uri(Path.GetFullPath(folder)), _modelId, dimensions);
    }

    /// <summary>Loads the folder (see <see cref="BertModel.Load(string)"/>) into a generator that owns the model and disposes it.</summary>
    /// <param name="folder">A Hugging Face / sentence-transformers model folder.</param>
    /// <param name="options">Settings, or null for the defaults.</param>
    /// <returns>The generator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> is null.</exception>
    /// <exception cref="BertFormatException">The folder's files are missing or malformed.</exception>
    /// <exception cref="InvalidOperationException">The folder has no tokenizer.</exception>
    /// <exception cref="ArgumentException">The embedding options are invalid for this model.</exception>
    public static BertEmbeddingGenerator Load(string folder, BertEmbeddingGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var model = BertModel.Load(folder);
        try
        {
            return new BertEmbeddingGenerator(model, options, ownsModel: true, folder);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model behind the generator.</summary>
    public BertModel Model { get; }

    /// <summary>Provider "bert", the folder as provider URI (when loaded from one), the model id and the embedding dimension.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Embeds <paramref name="values"/> in order (see the class remarks for the options honoured).</summary>
    /// <param name="values">The texts.</param>
    /// <param name="options">Request options, or null.</param>
    /// <param name="cancellationToken">Checked between forward passes.</param>
    /// <returns>One embedding per text, in order, with token usage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">Dimensions out of range, an unknown prompt name, or a non-string prompt property.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? values.ToArray();
        var request = _defaults.With(RequestOptions(options));
        long tokens = 0;
        var usage = new LastProgress(p => tokens = p.Tokens);
        var vectors = await Model.EncodeAsync(texts, request, usage, cancellationToken).ConfigureAwait(false);
        var created = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length)
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
        };
        foreach (var v in vectors) result.Add(new Embedding<float>(v) { ModelId = _modelId, CreatedAt = created });
        return result;
    }

    /// <summary>
    /// Returns <see cref="Metadata"/> for <see cref="EmbeddingGeneratorMetadata"/>, the <see cref="BertModel"/> for that
    /// type, this generator for a type it implements, else null (and null for any non-null key).
    /// </summary>
    /// <param name="serviceType">The requested type.</param>
    /// <param name="serviceKey">Must be null to match.</param>
    /// <returns>The service, or null.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is null.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return Metadata;
        if (serviceType == typeof(BertModel)) return Model;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Disposes the model when this generator loaded it (<see cref="Load"/>); otherwise does nothing.</summary>
    public void Dispose()
    {
        if (_ownsModel) Model.Dispose();
    }

    private static EmbeddingOptions? RequestOptions(EmbeddingGenerationOptions? options)
    {
        if (options is null) return null;
        var request = new EmbeddingOptions { TruncateDimension = options.Dimensions };
        if (options.AdditionalProperties is not { } extra) return request;
        if (extra.TryGetValue("prompt", out var prompt))
            request = request with { Prompt = prompt as string ?? throw new ArgumentException("AdditionalProperties[\"prompt\"] must be a string.", nameof(options)) };
        else if (extra.TryGetValue("prompt_name", out var name))
            request = request with { PromptName = name as string ?? throw new ArgumentException("AdditionalProperties[\"prompt_name\"] must be a string.", nameof(options)) };
        return request;
    }

    /// <summary>Keeps the last report synchronously (Progress&lt;T&gt; would post it later to a synchronization context).</summary>
    private sealed class LastProgress(Action<EmbeddingProgress> report) : IProgress<EmbeddingProgress>
    {
        public void Report(EmbeddingProgress value) => report(value);
    }
}
