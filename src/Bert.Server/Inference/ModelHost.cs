using Bert.SentenceTransformers;
using Bert.Tokenization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bert.Server.Inference;

/// <summary>
/// Owns the model and its batch queue for the server's lifetime: loads the checkpoint in the background when the host
/// starts (so <c>/health</c> answers 503 until it is ready), and on shutdown refuses new work, drains the queue and
/// disposes the model.
/// </summary>
internal sealed class ModelHost(IOptions<BertServerOptions> options, ServerMetrics metrics, ILogger<ModelHost> logger) : IHostedService, IDisposable
{
    private readonly BertServerOptions _options = options.Value;
    private Loaded? _loaded;
    private Task? _loading;
    private volatile bool _stopping;

    /// <summary>The loaded model, its tokenizer, its capabilities and its queue.</summary>
    internal sealed record Loaded(BertModel Model, BertTokenizer Tokenizer, ModelCapabilities Capabilities, BatchQueue Queue, EmbeddingSettings Embedding);

    public BertServerOptions Options => _options;

    /// <summary>Why the model is not ready, or null when it is.</summary>
    public string? NotReadyReason { get; private set; } = "The model is loading.";

    /// <summary>True once the model is loaded and until shutdown starts.</summary>
    public bool IsReady => _loaded is not null && !_stopping;

    /// <summary>The loaded model.</summary>
    /// <exception cref="NotReadyException">Not loaded (yet), failed to load, or shutting down.</exception>
    public Loaded Require() => IsReady ? _loaded! : throw new NotReadyException(_stopping ? "The server is shutting down." : NotReadyReason ?? "Not ready.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _options.Validate();
        _loading = Task.Run(Load, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Completes when loading has finished (successfully or not).</summary>
    public Task WhenLoaded => _loading ?? Task.CompletedTask;

    private void Load()
    {
        try
        {
            var model = _options.ModelFactory?.Invoke() ?? BertModel.Load(_options.ModelPath!);
            var tokenizer = model.Tokenizer;
            if (tokenizer is null)
            {
                model.Dispose();
                throw new InvalidOperationException("The model folder has no tokenizer (tokenizer.json or vocab.txt); the server needs one.");
            }
            // The folder's sentence-transformers settings (pooling, prompt, lower-casing, max length); normalization is per request.
            var embedding = model.GetEmbeddingSettings(new EmbeddingOptions { Pooling = _options.Pooling, Normalize = false });
            var queue = new BatchQueue(model, _options, metrics);
            metrics.ObserveQueue(() => queue.Depth);
            _loaded = new Loaded(model, tokenizer, ModelCapabilities.Of(model), queue, embedding);
            NotReadyReason = null;
            logger.LogInformation("Model {ModelId} loaded: hidden size {Hidden}, heads {Heads}.", _options.EffectiveModelId, model.Config.HiddenSize, model.Heads);
        }
        catch (Exception e)
        {
            NotReadyReason = $"The model failed to load: {e.Message}";
            logger.LogError(e, "The model failed to load.");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_loading is not null) await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_loaded is not null) await _loaded.Queue.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _loaded?.Model.Dispose();
}
