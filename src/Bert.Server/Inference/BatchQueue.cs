using System.Diagnostics;

namespace Bert.Server.Inference;

/// <summary>
/// The one queue between the HTTP layer and a model instance (TEI's queue and batching task): requests add their
/// tokenized inputs; a single batcher thread takes inputs in arrival order into a packed batch until the token budget
/// (<see cref="BertServerOptions.MaxBatchTokens"/>) or input count is reached, waiting at most
/// <see cref="BertServerOptions.MaxBatchWait"/> for more, and runs one forward pass at a time.
/// </summary>
/// <remarks>
/// Back-pressure: a request whose inputs would take the queue past <see cref="BertServerOptions.MaxQueuedInputs"/> is
/// refused whole (<see cref="QueueFullException"/>). Cancellation: a cancelled request's inputs are dropped if their
/// batch has not started. Shutdown: <see cref="StopAsync"/> refuses new work and completes when the queue is drained.
/// With <see cref="BertServerOptions.Batching"/> off, a batch holds the inputs of one request only.
/// </remarks>
internal sealed class BatchQueue
{
    /// <summary>A queued unit: one input of a packed batch, or a job that runs alone.</summary>
    private abstract class Entry(long requestId, int tokens)
    {
        public long RequestId { get; } = requestId;
        public int Tokens { get; } = tokens;
        public abstract Task Completion { get; }
        public abstract void Cancel(CancellationToken token);
        public abstract void Fail(Exception error);
    }

    private sealed class SequenceEntry(SequenceWork work, long requestId) : Entry(requestId, work.Length)
    {
        public SequenceWork Work { get; } = work;
        public TaskCompletionSource<SequenceResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override Task Completion => Result.Task;
        public override void Cancel(CancellationToken token) => Result.TrySetCanceled(token);
        public override void Fail(Exception error) => Result.TrySetException(error);
    }

    private sealed class JobEntry(Func<BertModel, CancellationToken, object> job, int tokens, long requestId, CancellationToken cancellationToken)
        : Entry(requestId, tokens)
    {
        public TaskCompletionSource<object> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override Task Completion => Result.Task;
        public override void Cancel(CancellationToken token) => Result.TrySetCanceled(token);
        public override void Fail(Exception error) => Result.TrySetException(error);
        public void Run(BertModel model) => Result.TrySetResult(job(model, cancellationToken));
    }

    private readonly BertModel _model;
    private readonly BertServerOptions _options;
    private readonly ServerMetrics _metrics;
    private readonly Queue<Entry> _queue = new();
    private readonly object _gate = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _queuedTokens, _nextRequestId;
    private bool _stopping;

    public BatchQueue(BertModel model, BertServerOptions options, ServerMetrics metrics)
    {
        _model = model;
        _options = options;
        _metrics = metrics;
        new Thread(Loop) { IsBackground = true, Name = "bert-batcher" }.Start();
    }

    /// <summary>Inputs waiting (cancelled ones included until the batcher drops them).</summary>
    public int Depth
    {
        get { lock (_gate) return _queue.Count; }
    }

    /// <summary>Queues the inputs of one request and returns their results in order.</summary>
    /// <exception cref="QueueFullException">The queue has no room for all of them.</exception>
    /// <exception cref="NotReadyException">The queue is stopping.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the results came.</exception>
    public async Task<SequenceResult[]> SubmitAsync(IReadOnlyList<SequenceWork> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var entries = new SequenceEntry[work.Count];
        Enqueue(entries.Length, id =>
        {
            for (int i = 0; i < entries.Length; i++) entries[i] = new SequenceEntry(work[i], id);
            return entries;
        });
        // A cancelled entry completes now; the batcher skips it if its batch has not started.
        using var registration = cancellationToken.Register(() =>
        {
            foreach (var e in entries) e.Cancel(cancellationToken);
        });
        var results = new SequenceResult[entries.Length];
        for (int i = 0; i < entries.Length; i++) results[i] = await entries[i].Result.Task.ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Queues a job that runs alone on the batcher thread, between packed batches (a pipeline of the core library that
    /// makes its own packed passes: fill-mask, rerank, NER, QA). It counts as one input against the queue limit.
    /// </summary>
    /// <param name="job">Runs with the model; gets <paramref name="cancellationToken"/> to stop between its passes.</param>
    /// <param name="tokens">Its token count, for the metrics.</param>
    /// <param name="cancellationToken">Drops the job if it has not started.</param>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    /// <exception cref="NotReadyException">The queue is stopping.</exception>
    public async Task<T> SubmitJobAsync<T>(Func<BertModel, CancellationToken, T> job, int tokens, CancellationToken cancellationToken) where T : class
    {
        cancellationToken.ThrowIfCancellationRequested();
        JobEntry? entry = null;
        Enqueue(1, id => [entry = new JobEntry((m, c) => job(m, c), tokens, id, cancellationToken)]);
        using var registration = cancellationToken.Register(() => entry!.Cancel(cancellationToken));
        return (T)await entry!.Result.Task.ConfigureAwait(false);
    }

    private void Enqueue(int count, Func<long, Entry[]> create)
    {
        lock (_gate)
        {
            if (_stopping) throw new NotReadyException("The server is shutting down.");
            if (_queue.Count + count > _options.MaxQueuedInputs)
                throw new QueueFullException($"Model is overloaded: {_queue.Count} inputs queued, limit {_options.MaxQueuedInputs}.");
            foreach (var e in create(_nextRequestId++))
            {
                _queue.Enqueue(e);
                _queuedTokens += e.Tokens;
            }
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Refuses new work and completes when every queued input has been run.</summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        return _stopped.Task;
    }

    private void Loop()
    {
        try
        {
            while (NextBatch() is { } batch)
                if (batch.Count > 0) Run(batch);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Blocks until inputs are queued, lets a batch fill for up to MaxBatchWait, then takes it; null once stopped and drained.</summary>
    private List<Entry>? NextBatch()
    {
        lock (_gate)
        {
            while (_queue.Count == 0)
            {
                if (_stopping) return null;
                Monitor.Wait(_gate);
            }
            if (_options.Batching && _options.MaxBatchWait > TimeSpan.Zero)
            {
                var waited = Stopwatch.StartNew();
                while (!_stopping && _queuedTokens < _options.MaxBatchTokens && _queue.Count < _options.MaxBatchRequests)
                {
                    var left = _options.MaxBatchWait - waited.Elapsed;
                    if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left)) break;
                }
            }
            return Take();
        }
    }

    /// <summary>Dequeues live entries in order while they fit the budget (the first one always fits); drops cancelled ones.</summary>
    private List<Entry> Take()
    {
        var batch = new List<Entry>();
        long tokens = 0;
        while (_queue.TryPeek(out var next))
        {
            if (!next.Completion.IsCompleted)
            {
                if (batch.Count > 0 && !Fits(batch, tokens, next)) break;
                batch.Add(next);
                tokens += next.Tokens;
            }
            _queue.Dequeue();
            _queuedTokens -= next.Tokens;
            if (next is JobEntry && batch.Count > 0) break;   // a job runs alone
        }
        return batch;
    }

    private bool Fits(List<Entry> batch, long tokens, Entry next) => next is not JobEntry && (_options.Batching
        ? tokens + next.Tokens <= _options.MaxBatchTokens && batch.Count < _options.MaxBatchRequests
        : next.RequestId == batch[0].RequestId);

    private void Run(List<Entry> batch)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            if (batch[0] is JobEntry job)
            {
                job.Run(_model);
                _metrics.RecordBatch(1, job.Tokens, clock.Elapsed);
                return;
            }
            var entries = batch.Cast<SequenceEntry>().ToArray();
            var results = PackedBatch.Run(_model, [.. entries.Select(e => e.Work)]);
            _metrics.RecordBatch(entries.Length, entries.Sum(e => e.Tokens), clock.Elapsed);
            for (int i = 0; i < results.Length; i++) entries[i].Result.TrySetResult(results[i]);
        }
        catch (Exception e)
        {
            foreach (var entry in batch) entry.Fail(e);
        }
    }
}
