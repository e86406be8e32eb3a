namespace Bert.Server;

/// <summary>
/// Settings of <c>bert serve</c>: which model, where to listen, and the limits of the dynamic batcher
/// (names follow text-embeddings-inference's launcher flags where one exists).
/// </summary>
public sealed class BertServerOptions
{
    /// <summary>The Hugging Face checkpoint folder to load (config.json, model.safetensors, tokenizer files). Required unless <see cref="ModelFactory"/> is set.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Loads the model instead of <see cref="ModelPath"/> (e.g. a model already in memory). The server disposes what it returns.</summary>
    public Func<BertModel>? ModelFactory { get; set; }

    /// <summary>The model name reported by <c>/info</c> and in OpenAI responses; default: the folder name of <see cref="ModelPath"/>.</summary>
    public string? ModelId { get; set; }

    /// <summary>Address to listen on (used by <see cref="BertServer.RunAsync"/> only). Default <c>127.0.0.1</c>; <c>0.0.0.0</c> in a container.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port (used by <see cref="BertServer.RunAsync"/> only). Default 8080; 0 picks a free port.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>How text embeddings pool the token vectors; null (default) for the folder's sentence-transformers Pooling module, else mean.</summary>
    public BertPooling? Pooling { get; set; }

    /// <summary>
    /// Dynamic batching on (default): inputs of concurrent requests share one packed forward pass. Off: each request's
    /// inputs run in a forward pass of their own (the baseline the load benchmark compares against).
    /// </summary>
    public bool Batching { get; set; } = true;

    /// <summary>Token budget of one packed batch (TEI <c>--max-batch-tokens</c>). Default 16384. An input longer than the budget still runs, alone.</summary>
    public int MaxBatchTokens { get; set; } = 16384;

    /// <summary>Most inputs in one packed batch (TEI <c>--max-batch-requests</c>). Default 256.</summary>
    public int MaxBatchRequests { get; set; } = 256;

    /// <summary>
    /// How long the batcher waits for more inputs after the first one arrives while the batch is below its token budget.
    /// Default 1 ms: while a forward pass runs, new inputs queue up anyway, so a short wait suffices.
    /// </summary>
    public TimeSpan MaxBatchWait { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Most inputs waiting in the queue; a request that would exceed it is refused with 429 (back-pressure). Default 2048.</summary>
    public int MaxQueuedInputs { get; set; } = 2048;

    /// <summary>Most inputs in one request (TEI <c>--max-client-batch-size</c>); more gives 413. Default 64.</summary>
    public int MaxClientBatchSize { get; set; } = 64;

    /// <summary>Most characters in one input text; more gives 413. Default 100,000.</summary>
    public int MaxInputCharacters { get; set; } = 100_000;

    /// <summary>Largest request body in bytes; more gives 413 (TEI <c>--payload-limit</c>). Default 2 MB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 2_000_000;

    /// <summary>Serve the playground page at <c>/</c>. Default true.</summary>
    public bool Playground { get; set; } = true;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">No model source, or a limit is not positive.</exception>
    public void Validate()
    {
        if (ModelPath is null && ModelFactory is null)
            throw new ArgumentException("Set ModelPath (a checkpoint folder) or ModelFactory.", nameof(ModelPath));
        Positive(MaxBatchTokens, nameof(MaxBatchTokens));
        Positive(MaxBatchRequests, nameof(MaxBatchRequests));
        Positive(MaxQueuedInputs, nameof(MaxQueuedInputs));
        Positive(MaxClientBatchSize, nameof(MaxClientBatchSize));
        Positive(MaxInputCharacters, nameof(MaxInputCharacters));
        if (MaxRequestBodyBytes <= 0) throw new ArgumentException($"{nameof(MaxRequestBodyBytes)} must be positive.", nameof(MaxRequestBodyBytes));
        if (MaxBatchWait < TimeSpan.Zero) throw new ArgumentException($"{nameof(MaxBatchWait)} must not be negative.", nameof(MaxBatchWait));
        if (Port is < 0 or > 65535) throw new ArgumentException($"{nameof(Port)} must be in [0, 65535].", nameof(Port));
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}.", name);
    }

    /// <summary>The model id shown to clients.</summary>
    internal string EffectiveModelId =>
        ModelId ?? (ModelPath is null ? "bert" : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(ModelPath))));
}
