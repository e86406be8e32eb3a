using Bert.SentenceTransformers;

namespace Bert;

public sealed partial class BertModel
{
    /// <summary>
    /// The folder's sentence-transformers settings (pooling, Normalize, max_seq_length, prompts, similarity), read by
    /// <see cref="Load(string)"/>; <see cref="SentenceTransformerConfig.Default"/> (mean pooling, no normalization) for a folder
    /// without <c>modules.json</c>, as sentence-transformers treats a plain transformers folder.
    /// </summary>
    /// <remarks>Settable, e.g. for a model made by <see cref="FromWeights(BertConfig, Loading.IWeightSource, Tokenization.BertTokenizer?)"/>.</remarks>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    /// <exception cref="BertFormatException">Set to settings whose <see cref="SentenceTransformerConfig.WordEmbeddingDimension"/> differs from hidden_size.</exception>
    public SentenceTransformerConfig SentenceTransformerConfig
    {
        get => _sentenceTransformer;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckPoolingDimension(value, Config);
            _sentenceTransformer = value;
        }
    }

    private SentenceTransformerConfig _sentenceTransformer = SentenceTransformerConfig.Default;

    private static void CheckPoolingDimension(SentenceTransformerConfig st, BertConfig config)
    {
        if (st.WordEmbeddingDimension is { } d && d != config.HiddenSize)
            throw new BertFormatException(st.PoolingConfigFile ?? "Pooling config", "word_embedding_dimension",
                $"{d} differs from hidden_size {config.HiddenSize} of config.json.");
    }

    /// <summary>
    /// Per-instance overrides of the embedding settings (see <see cref="EmbeddingOptions"/>); per-call options win over
    /// them, and they win over <see cref="SentenceTransformerConfig"/>. Default: no override (follow the folder).
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public EmbeddingOptions EmbeddingDefaults
    {
        get => _embeddingDefaults;
        set => _embeddingDefaults = value ?? throw new ArgumentNullException(nameof(value));
    }

    private EmbeddingOptions _embeddingDefaults = new();

    /// <summary>Floats per embedding under <see cref="EmbeddingDefaults"/> and the folder's settings (e.g. 384 for all-MiniLM-L6-v2).</summary>
    /// <exception cref="InvalidOperationException">The model has no tokenizer.</exception>
    /// <exception cref="ArgumentException"><see cref="EmbeddingDefaults"/> holds an invalid setting.</exception>
    public int EmbeddingDimension => PlanEmbedding(null).Dimension;

    /// <summary>Floats per embedding under <paramref name="options"/> (per-call overrides), <see cref="EmbeddingDefaults"/> and the folder's settings.</summary>
    /// <param name="options">Per-call overrides, or null.</param>
    /// <returns>The dimension: pooling modes × hidden size, or the truncated dimension.</returns>
    /// <exception cref="InvalidOperationException">The model has no tokenizer, or Pooler pooling without pooler weights.</exception>
    /// <exception cref="ArgumentException">An option is invalid or names an unknown prompt.</exception>
    public int GetEmbeddingDimension(EmbeddingOptions? options) => PlanEmbedding(options).Dimension;

    /// <summary>
    /// The resolved, validated embedding settings for <paramref name="options"/> (over <see cref="EmbeddingDefaults"/> and
    /// the folder): for callers that run the forward passes themselves and pool with <see cref="EmbeddingSettings.Pool"/>.
    /// </summary>
    /// <param name="options">Per-call overrides, or null.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidOperationException">The model has no tokenizer, or Pooler pooling without pooler weights.</exception>
    /// <exception cref="ArgumentException">An option is invalid or names an unknown prompt.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public EmbeddingSettings GetEmbeddingSettings(EmbeddingOptions? options = null) => PlanEmbedding(options);

    /// <summary>
    /// The embedding of <paramref name="text"/> as sentence-transformers' <c>encode</c> computes it with this folder:
    /// prompt + text (lower-cased if <c>do_lower_case</c>), tokenized as <c>[CLS] text [SEP]</c> and cut to the max
    /// length, the encoder's last_hidden_state pooled (<see cref="BertPooling"/>), truncated
    /// (<see cref="EmbeddingOptions.TruncateDimension"/>) and normalized when the folder has a Normalize module.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="options">Per-call overrides, or null to follow <see cref="EmbeddingDefaults"/> and the folder.</param>
    /// <returns>A new vector of <see cref="EmbeddingDimension"/> floats (for the defaults).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid (see <see cref="EmbeddingOptions"/>) or names an unknown prompt.</exception>
    /// <exception cref="InvalidOperationException">The model has no tokenizer, or Pooler pooling was asked of a checkpoint without pooler weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public float[] Encode(string text, EmbeddingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var results = new float[1][];
        var runner = new EmbeddingRunner(this, PlanEmbedding(options), null, 1);
        runner.Run([text], runner.Lengths([text], default), results, default);
        return results[0];
    }

    /// <summary>
    /// <see cref="Encode(string, EmbeddingOptions?)"/> with <see cref="EmbeddingOptions.Pooling"/> = <paramref name="pooling"/>;
    /// the other settings follow <see cref="EmbeddingDefaults"/> and the folder.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="pooling">The pooling modes.</param>
    /// <returns>A new vector.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pooling"/> is not a valid combination.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or Pooler pooling without pooler weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public float[] Encode(string text, BertPooling pooling) => Encode(text, new EmbeddingOptions { Pooling = pooling });

    /// <summary>
    /// Embeds many texts: they are sorted by token count and packed without padding into forward passes of at most
    /// <see cref="EmbeddingOptions.MaxBatchTokens"/> tokens, so the working memory is bounded by that budget whatever
    /// the number of texts; vector i is that of texts[i] and equals <see cref="Encode(string, EmbeddingOptions?)"/> of it
    /// (to float rounding).
    /// </summary>
    /// <param name="texts">The texts (may be empty).</param>
    /// <param name="options">Per-call overrides, or null.</param>
    /// <param name="progress">Told after each forward pass how many texts and tokens are done, or null.</param>
    /// <param name="cancellationToken">Checked between forward passes.</param>
    /// <returns>One new vector per text, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid or names an unknown prompt.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or Pooler pooling without pooler weights.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public float[][] Encode(IReadOnlyList<string> texts, EmbeddingOptions? options = null,
        IProgress<EmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var runner = new EmbeddingRunner(this, PlanEmbedding(options), progress, texts.Count);
        var results = new float[texts.Count][];
        runner.Run(texts, runner.Lengths(texts, cancellationToken), results, cancellationToken);
        return results;
    }

    /// <summary>
    /// <see cref="Encode(IReadOnlyList{string}, EmbeddingOptions?, IProgress{EmbeddingProgress}?, CancellationToken)"/>
    /// with <see cref="EmbeddingOptions.Pooling"/> = <paramref name="pooling"/>.
    /// </summary>
    /// <param name="texts">The texts.</param>
    /// <param name="pooling">The pooling modes.</param>
    /// <returns>One new vector per text, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pooling"/> is not a valid combination.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or Pooler pooling without pooler weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public float[][] Encode(IReadOnlyList<string> texts, BertPooling pooling) => Encode(texts, new EmbeddingOptions { Pooling = pooling });

    /// <summary>
    /// <see cref="Encode(IReadOnlyList{string}, EmbeddingOptions?, IProgress{EmbeddingProgress}?, CancellationToken)"/>
    /// on the thread pool (the work is CPU-bound); options are validated before the task starts.
    /// </summary>
    /// <param name="texts">The texts.</param>
    /// <param name="options">Per-call overrides, or null.</param>
    /// <param name="progress">Told after each forward pass, or null.</param>
    /// <param name="cancellationToken">Checked between forward passes.</param>
    /// <returns>One new vector per text, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid or names an unknown prompt.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or Pooler pooling without pooler weights.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Task<float[][]> EncodeAsync(IReadOnlyList<string> texts, EmbeddingOptions? options = null,
        IProgress<EmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var plan = PlanEmbedding(options);
        return Task.Run(() =>
        {
            var runner = new EmbeddingRunner(this, plan, progress, texts.Count);
            var results = new float[texts.Count][];
            runner.Run(texts, runner.Lengths(texts, cancellationToken), results, cancellationToken);
            return results;
        }, cancellationToken);
    }

    /// <summary>
    /// Embeds a stream of texts that need not fit in memory: texts are read in windows of about four token budgets,
    /// each window is sorted and batched as <see cref="Encode(IReadOnlyList{string}, EmbeddingOptions?, IProgress{EmbeddingProgress}?, CancellationToken)"/>
    /// does, and vectors are yielded in input order. Memory stays bounded by the window whatever the stream's length.
    /// </summary>
    /// <param name="texts">The texts, enumerated once, lazily.</param>
    /// <param name="options">Per-call overrides, or null; validated when this method is called.</param>
    /// <param name="progress">Told after each forward pass (Total is null), or null.</param>
    /// <param name="cancellationToken">Checked between forward passes.</param>
    /// <returns>The vectors, one per text, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is null (a null item throws during enumeration).</exception>
    /// <exception cref="ArgumentException">An option is invalid or names an unknown prompt.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or Pooler pooling without pooler weights.</exception>
    public IEnumerable<float[]> EncodeStream(IEnumerable<string> texts, EmbeddingOptions? options = null,
        IProgress<EmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return new EmbeddingRunner(this, PlanEmbedding(options), progress, null).Stream(texts, cancellationToken);
    }

    /// <summary>
    /// <see cref="EncodeStream"/> over an asynchronous source (e.g. rows read from a database); each window runs on the
    /// thread pool; vectors come out in input order.
    /// </summary>
    /// <param name="texts">The texts, enumerated once, lazily.</param>
    /// <param name="options">Per-call overrides, or null; validated when this method is called.</param>
    /// <param name="progress">Told after each forward pass (Total is null), or null.</param>
    /// <param name="cancellationToken">Passed to the source and checked between forward passes.</param>
    /// <returns>The vectors, one per text, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is null (a null item throws during enumeration).</exception>
    /// <exception cref="ArgumentException">An option is invalid or names an unknown prompt.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or Pooler pooling without pooler weights.</exception>
    public IAsyncEnumerable<float[]> EncodeStreamAsync(IAsyncEnumerable<string> texts, EmbeddingOptions? options = null,
        IProgress<EmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return new EmbeddingRunner(this, PlanEmbedding(options), progress, null).StreamAsync(texts, cancellationToken);
    }

    /// <summary>
    /// The [n, m] similarity matrix S[i, j] = sim(a[i], b[j]) under the folder's <c>similarity_fn_name</c>
    /// (cosine by default), as sentence-transformers' <c>model.similarity(a, b)</c>.
    /// </summary>
    /// <param name="a">n vectors.</param>
    /// <param name="b">m vectors of the same length.</param>
    /// <returns>A new n × m matrix.</returns>
    /// <exception cref="ArgumentNullException">A list or one of its vectors is null.</exception>
    /// <exception cref="ArgumentException">The vectors differ in length.</exception>
    public float[,] Similarity(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b) =>
        SentenceTransformers.Similarity.Matrix(a, b, SentenceTransformerConfig.SimilarityFunction);

    /// <summary>The similarity of two vectors under the folder's <c>similarity_fn_name</c> (cosine by default).</summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector, same length.</param>
    /// <returns>The similarity; higher is more similar.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        SentenceTransformers.Similarity.Compute(a, b, SentenceTransformerConfig.SimilarityFunction);

    /// <summary>One pooled vector (no normalization) for one tokenized sequence given with its attention mask; for tests of the pooling semantics.</summary>
    internal float[] EncodeTokens(int[] ids, int[] typeIds, int[] mask, BertPooling pooling)
    {
        int h = Config.HiddenSize, seq = ids.Length;
        var input = new BertInput(ids, typeIds, mask, 1, seq);
        if (pooling == BertPooling.Pooler)
        {
            if ((Heads & BertHeads.Pooler) == 0) throw new InvalidOperationException("Pooler pooling needs pooler.dense weights, which this checkpoint lacks.");
            var pooled = new float[h];
            Forward(input, new BertOutputs { PoolerOutput = pooled });
            return pooled;
        }
        var hidden = new float[seq * h];
        Forward(input, new BertOutputs { LastHiddenState = hidden });
        var vector = new float[System.Numerics.BitOperations.PopCount((uint)pooling) * h];
        SentencePooling.Pool(hidden, mask, seq, h, pooling, vector);
        return vector;
    }

    private EmbeddingSettings PlanEmbedding(EmbeddingOptions? options)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return EmbeddingSettings.Resolve(this, _embeddingDefaults.With(options));
    }
}
