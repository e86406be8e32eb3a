using System.Runtime.CompilerServices;

namespace Bert.SentenceTransformers;

/// <summary>
/// Embeds texts under one <see cref="EmbeddingSettings"/>: sorts them by token count, packs them (no padding) into
/// batches of at most the plan's token budget, runs each batch through <see cref="BertModel.Forward(in BertPackedInput, in BertOutputs)"/>
/// and pools each sequence into its slot, so results come back in input order.
/// </summary>
/// <remarks>
/// The buffers below are sized once per call by the budget (at most max(budget, max length) tokens), never by the
/// number of texts, and are garbage once the call ends: nothing stays pinned to the model.
/// </remarks>
internal sealed class EmbeddingRunner
{
    private readonly BertModel _model;
    private readonly EmbeddingSettings _plan;
    private int[] _ids = [], _cumulative = [], _mask = [];
    private float[] _output = [];
    private readonly float[] _pooled;
    private readonly IProgress<EmbeddingProgress>? _progress;
    private readonly int? _total;
    private int _embedded;
    private long _tokens;

    public EmbeddingRunner(BertModel model, EmbeddingSettings plan, IProgress<EmbeddingProgress>? progress, int? total)
    {
        _model = model;
        _plan = plan;
        _progress = progress;
        _total = total;
        _pooled = new float[plan.PooledDimension];
    }

    /// <summary>
    /// Sizes the batch buffers for <paramref name="tokens"/> tokens (the call's total, or a window's), capped at
    /// max(budget, max length): a one-text call allocates for that text only, a large call for one budget.
    /// </summary>
    private void EnsureCapacity(long tokens)
    {
        int capacity = (int)Math.Min(Math.Max(_plan.MaxBatchTokens, _plan.MaxLength), tokens);
        if (capacity <= _ids.Length) return;
        int maxSequences = capacity / 2 + 1; // every sequence has at least [CLS] and [SEP]
        _ids = new int[capacity];
        _cumulative = new int[maxSequences + 1];
        _mask = _plan.ExcludedRows > 0 ? new int[_plan.MaxLength] : [];
        _output = new float[(_plan.Pooling == BertPooling.Pooler ? maxSequences : capacity) * _plan.HiddenSize];
    }

    public EmbeddingSettings Plan => _plan;

    /// <summary>Token count of each text ([CLS], [SEP] and prompt included, after truncation).</summary>
    public int[] Lengths(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var lengths = new int[texts.Count];
        for (int i = 0; i < lengths.Length; i++)
        {
            if ((i & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            lengths[i] = _plan.TokenCount(_plan.PrepareText(texts[i] ?? throw new ArgumentNullException(nameof(texts), $"texts[{i}] is null.")));
        }
        return lengths;
    }

    /// <summary>Embeds every text into <paramref name="results"/>[i], batch by batch, checking cancellation between batches.</summary>
    public void Run(IReadOnlyList<string> texts, int[] lengths, float[][] results, CancellationToken cancellationToken)
    {
        long total = 0;
        foreach (int n in lengths) total += n;
        EnsureCapacity(total);
        var order = TokenBudgetBatches.LongestFirst(lengths);
        for (int start = 0; start < order.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = TokenBudgetBatches.BatchEnd(order, lengths, start, _plan.MaxBatchTokens);
            RunBatch(texts, order.AsSpan(start, end - start), lengths, results);
            start = end;
        }
    }

    /// <summary>Embeds a stream window by window (windows of about four budgets of tokens), yielding vectors in input order.</summary>
    public IEnumerable<float[]> Stream(IEnumerable<string> texts, CancellationToken cancellationToken)
    {
        var window = new List<string>();
        var lengths = new List<int>();
        long windowTokens = 0;
        int index = 0;
        foreach (var text in texts)
        {
            windowTokens += Add(window, lengths, text, index++);
            if (windowTokens < WindowTokens) continue;
            foreach (var v in Flush(window, lengths, cancellationToken)) yield return v;
            windowTokens = 0;
        }
        foreach (var v in Flush(window, lengths, cancellationToken)) yield return v;
    }

    /// <summary>As <see cref="Stream"/> over an asynchronous source; each window runs on the thread pool.</summary>
    public async IAsyncEnumerable<float[]> StreamAsync(IAsyncEnumerable<string> texts, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var window = new List<string>();
        var lengths = new List<int>();
        long windowTokens = 0;
        int index = 0;
        await foreach (var text in texts.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            windowTokens += Add(window, lengths, text, index++);
            if (windowTokens < WindowTokens) continue;
            foreach (var v in await Task.Run(() => Flush(window, lengths, cancellationToken).ToArray(), cancellationToken).ConfigureAwait(false)) yield return v;
            windowTokens = 0;
        }
        foreach (var v in await Task.Run(() => Flush(window, lengths, cancellationToken).ToArray(), cancellationToken).ConfigureAwait(false)) yield return v;
    }

    private long WindowTokens => 4L * Math.Max(_plan.MaxBatchTokens, _plan.MaxLength);

    private int Add(List<string> window, List<int> lengths, string text, int index)
    {
        ArgumentNullException.ThrowIfNull(text, $"texts[{index}]");
        int n = _plan.TokenCount(_plan.PrepareText(text));
        window.Add(text);
        lengths.Add(n);
        return n;
    }

    private float[][] Flush(List<string> window, List<int> lengths, CancellationToken cancellationToken)
    {
        if (window.Count == 0) return [];
        var results = new float[window.Count][];
        Run(window, [.. lengths], results, cancellationToken);
        window.Clear();
        lengths.Clear();
        return results;
    }

    /// <summary>Tokenizes the texts of one batch into the packed buffers, runs the model, pools each sequence.</summary>
    private void RunBatch(IReadOnlyList<string> texts, ReadOnlySpan<int> batch, int[] lengths, float[][] results)
    {
        int total = 0;
        _cumulative[0] = 0;
        for (int k = 0; k < batch.Length; k++)
        {
            int i = batch[k];
            // A buffer of exactly the counted length truncates as longest_first with max_length = that length.
            total += _plan.Tokenizer.EncodeToIds(_plan.PrepareText(texts[i]), _ids.AsSpan(total, lengths[i]));
            _cumulative[k + 1] = total;
        }
        int h = _plan.HiddenSize, b = batch.Length;
        bool pooler = _plan.Pooling == BertPooling.Pooler;
        var input = new BertPackedInput(_ids.AsSpan(0, total), default, _cumulative.AsSpan(0, b + 1));
        var output = _output.AsSpan(0, (pooler ? b : total) * h);
        _model.Forward(input, pooler ? new BertOutputs { PoolerOutput = output } : new BertOutputs { LastHiddenState = output });
        for (int k = 0; k < b; k++)
        {
            int start = _cumulative[k], rows = _cumulative[k + 1] - start;
            if (pooler) output.Slice(k * h, h).CopyTo(_pooled);
            else SentencePooling.Pool(output.Slice(start * h, rows * h), SentencePooling.PromptMask(_plan.ExcludedRows, rows, _mask), rows, h, _plan.Pooling, _pooled);
            results[batch[k]] = SentencePooling.Finish(_pooled, _plan.Dimension, _plan.Normalize);
        }
        _embedded += b;
        _tokens += total;
        _progress?.Report(new EmbeddingProgress(_embedded, _total, _tokens));
    }
}
