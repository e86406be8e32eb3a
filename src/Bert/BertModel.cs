using Bert.Kernels;
using Bert.Loading;
using Bert.Model;
using Bert.SentenceTransformers;
using Bert.Tokenization;

namespace Bert;

/// <summary>
/// A BERT checkpoint ready for inference: the encoder (Hugging Face <c>BertModel</c>), every task head whose weights are
/// present, and the tokenizer when the folder has one.
/// </summary>
/// <remarks>
/// <para><see cref="Forward(in BertInput, in BertOutputs)"/> is the span-based core: the caller passes a tokenized, right-padded batch and the spans to
/// fill (see <see cref="BertOutputs"/>); it allocates nothing once the workspace has grown to the largest batch seen.
/// <see cref="Encode(string, EmbeddingOptions?)"/>, <see cref="Classify(string, Pipelines.TextClassificationOptions?)"/>,
/// <see cref="Rerank"/>, <see cref="NextSentenceProbability(string, string)"/> and <see cref="FillMask(string, Pipelines.FillMaskOptions?)"/> are conveniences
/// for text that tokenize and return new arrays.</para>
/// <para>Thread safety: one forward pass runs at a time per instance; concurrent calls are serialized by a lock because
/// they share one workspace (each pass already uses every core through the kernels' worker pool). Separate instances
/// may be called in parallel; their kernel jobs then take turns on the one process-wide pool of
/// <see cref="KernelThreadCount"/> threads, so the cores are never oversubscribed. F32 weights are memory-mapped, so
/// instances share the page cache.</para>
/// <para>The instance owns the memory map of the weights when made by <see cref="Load(string)"/>: dispose it when done.</para>
/// </remarks>
public sealed partial class BertModel : IDisposable
{
    private readonly BertNetwork _network;
    private readonly IDisposable? _owned;
    private readonly Lock _gate = new();
    private bool _disposed;
    private bool _inForward;

    private BertModel(BertNetwork network, IDisposable? owned)
    {
        _network = network;
        _owned = owned;
    }

    /// <summary>
    /// Opens a Hugging Face checkpoint folder: <c>config.json</c> and <c>model.safetensors</c> (or its shards), memory-mapped,
    /// the tokenizer (<c>tokenizer.json</c>, else <c>vocab.txt</c>, with <c>tokenizer_config.json</c>) when present, and the
    /// sentence-transformers files when present (<see cref="SentenceTransformerConfig"/>: <c>modules.json</c>, whose
    /// Transformer module path locates the weights, the Pooling config, Normalize, <c>sentence_bert_config.json</c>,
    /// <c>config_sentence_transformers.json</c>).
    /// </summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <returns>The model; dispose it to unmap the weights.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> is null.</exception>
    /// <exception cref="Hub.HubException"><paramref name="folder"/> does not exist, has the shape of a hub id (<c>org/name</c>),
    /// and resolving it from the Hugging Face hub failed (see <see cref="Load(string, string?, Hub.HubOptions?, IProgress{Hub.HubProgress}?, BertLoadOptions?)"/>).</exception>
    /// <exception cref="BertFormatException">
    /// The folder, config or weights are missing or malformed, a required tensor is absent or misshapen (also half of a
    /// head: a bias without its weight), the tokenizer has ids at or above vocab_size, or the configuration is
    /// unsupported; the message names the file and field.
    /// </exception>
    public static BertModel Load(string folder) => Load(folder, new BertLoadOptions());

    /// <summary>
    /// Opens a Hugging Face checkpoint folder as <see cref="Load(string)"/> does, with options such as the weight type
    /// of the encoder's dense layers (<see cref="BertLoadOptions.WeightType"/>: F32, bfloat16 or int8).
    /// </summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="options">Load options.</param>
    /// <returns>The model; dispose it to unmap the weights.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folder"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BertLoadOptions.WeightType"/> is not a defined value.</exception>
    /// <exception cref="BertFormatException">As for <see cref="Load(string)"/>.</exception>
    public static BertModel Load(string folder, BertLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.WeightType))
            throw new ArgumentOutOfRangeException(nameof(options), options.WeightType, "WeightType must be Float32, BFloat16 or Int8.");
        folder = ResolveModelPath(folder);   // a hub id ("org/name") that is not a local folder: see BertModel.Hub.cs
        var sentenceTransformer = SentenceTransformerConfig.Load(folder);
        string transformer = Path.Combine(folder, sentenceTransformer.TransformerPath);
        var checkpoint = BertCheckpoint.Open(transformer);
        try
        {
            CheckPoolingDimension(sentenceTransformer, checkpoint.Config);
            var tokenizer = TryLoadTokenizer(transformer);
            CheckTokenizerFits(tokenizer, checkpoint.Config);
            var weights = EncoderWeights.Wrap(checkpoint.Weights, options.WeightType);
            return new BertModel(new BertNetwork(checkpoint.Config, weights), checkpoint)
            {
                Tokenizer = tokenizer, _sentenceTransformer = sentenceTransformer,
            };
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Builds a model over weights the caller owns (e.g. an in-memory source); the caller keeps them alive and disposes them.
    /// </summary>
    /// <param name="config">The architecture.</param>
    /// <param name="weights">Tensors named as Hugging Face writes them.</param>
    /// <param name="tokenizer">Tokenizer for the text methods, or null.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="BertFormatException">A required tensor is missing or misshapen, or the configuration is unsupported.</exception>
    public static BertModel FromWeights(BertConfig config, IWeightSource weights, BertTokenizer? tokenizer = null)
        => FromWeights(config, weights, new BertLoadOptions(), tokenizer);

    /// <summary>
    /// Builds a model over weights the caller owns, with load options (e.g. bfloat16 or int8 dense layers, converted
    /// into new arrays here); the caller keeps the source alive and disposes it.
    /// </summary>
    /// <param name="config">The architecture.</param>
    /// <param name="weights">Tensors named as Hugging Face writes them.</param>
    /// <param name="options">Load options.</param>
    /// <param name="tokenizer">Tokenizer for the text methods, or null.</param>
    /// <exception cref="ArgumentNullException">config, weights or options is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BertLoadOptions.WeightType"/> is not a defined value.</exception>
    /// <exception cref="BertFormatException">A required tensor is missing or misshapen, or the configuration is unsupported.</exception>
    public static BertModel FromWeights(BertConfig config, IWeightSource weights, BertLoadOptions options, BertTokenizer? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.WeightType))
            throw new ArgumentOutOfRangeException(nameof(options), options.WeightType, "WeightType must be Float32, BFloat16 or Int8.");
        return new BertModel(new BertNetwork(config, EncoderWeights.Wrap(weights, options.WeightType)), null) { Tokenizer = tokenizer };
    }

    /// <summary>The architecture (config.json).</summary>
    public BertConfig Config => _network.Config;

    /// <summary>The optional modules whose weights the checkpoint has.</summary>
    public BertHeads Heads =>
        (_network.HasPooler ? BertHeads.Pooler : 0) | (_network.HasMaskedLM ? BertHeads.MaskedLM : 0)
        | (_network.HasNextSentencePrediction ? BertHeads.NextSentencePrediction : 0)
        | (_network.HasClassifier ? BertHeads.Classifier : 0) | (_network.HasQuestionAnswering ? BertHeads.QuestionAnswering : 0)
        | (_network.ClassifierUse.HasFlag(ClassifierUse.Sequence) ? BertHeads.SequenceClassification : 0)
        | (_network.ClassifierUse.HasFlag(ClassifierUse.Token) ? BertHeads.TokenClassification : 0);

    /// <summary>Number of classifier labels L: the size of id2label, or 2 (Hugging Face's default) when config.json has none.</summary>
    public int NumLabels => _network.NumLabels;

    /// <summary>
    /// Optional hook that receives named intermediates of every forward pass (see <see cref="BertObserver"/>); null (the default) costs nothing.
    /// </summary>
    public BertObserver? Observer { get; set; }

    /// <summary>
    /// Runs the encoder on a tokenized batch and fills every non-empty span of <paramref name="outputs"/>; skipped outputs cost nothing.
    /// </summary>
    /// <param name="input">Ids, type ids and attention mask [batch·seq], right-padded.</param>
    /// <param name="outputs">Destinations; each non-empty span must have exactly the documented length.</param>
    /// <exception cref="ArgumentException">
    /// A dimension is not positive; the sequence is longer than max_position_embeddings; a span length differs from
    /// batch·seq (or the output's length); an id is outside [0, vocab_size), a type id outside [0, type_vocab_size),
    /// or a mask value not 0/1.
    /// </exception>
    /// <exception cref="InvalidOperationException">An output was requested whose head weights the checkpoint lacks (see <see cref="Heads"/>),
    /// or Forward was called from inside an <see cref="Observer"/> callback of this model.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public void Forward(in BertInput input, in BertOutputs outputs)
    {
        lock (_gate)
        {
            EnterForward();
            try
            {
                _network.Forward(input, outputs, Observer);
            }
            finally
            {
                _inForward = false;
            }
        }
    }

    /// <summary>Releases the memory map of the weights. Further calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _owned?.Dispose();
        }
    }

    /// <summary>Called under <c>_gate</c>: the lock is re-entrant, so a Forward from inside an Observer would otherwise
    /// run on the workspace the outer call is still using.</summary>
    private void EnterForward()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_inForward)
            throw new InvalidOperationException("Forward was called from inside an Observer callback of the same model while its forward pass is running; copy what the observer needs and run the second pass afterwards, or use another BertModel instance.");
        _inForward = true;
    }

    /// <summary>Every id the tokenizer can produce must be an embedding row: checked once at load, not at the first unlucky text.</summary>
    private static void CheckTokenizerFits(BertTokenizer? tokenizer, BertConfig config)
    {
        if (tokenizer is null || tokenizer.Vocabulary.Count <= config.VocabSize) return;
        throw new BertFormatException(tokenizer.Vocabulary.Source ?? "vocab.txt", "vocab",
            $"the tokenizer has ids up to {tokenizer.Vocabulary.Count - 1} but config.json vocab_size is {config.VocabSize}; every token id must be below vocab_size.");
    }

    private void RequireHead(BertHeads needed, string weights, string what)
    {
        if ((Heads & needed) != needed)
            throw new InvalidOperationException($"{what} needs {weights} weights, which this checkpoint lacks (architectures: {string.Join(", ", Config.Architectures)}).");
    }
}
