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
    private sealed class Entry(SequenceWork work, long requestId)
    {
        public SequenceWork Work { get; } = work;
        public long RequestId { get; } = requestId;
        public TaskCompletionSource<SequenceResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
        var entries = new Entry[work.Count];
        lock (_gate)
        {
            if (_stopping) throw new NotReadyException("The server is shutting down.");
            if (_queue.Count + work.Count > _options.MaxQueuedInputs)
                throw new QueueFullException($"Model is overloaded: {_queue.Count} inputs queued, limit {_options.MaxQueuedInputs}.");
            long id = _nextRequestId++;
            for (int i = 0; i < entries.Length; i++)
            {
                entries[i] = new Entry(work[i], id);
                _queue.Enqueue(entries[i]);
                _queuedTokens += work[i].Length;
            }
            Monitor.PulseAll(_gate);
        }
        // A cancelled entry completes now; the batcher skips it if its batch has not started.
        using var registration = cancellationToken.Register(() =>
        {
            foreach (var e in entries) e.Result.TrySetCanceled(cancellationToken);
        });
        var results = new SequenceResult[entries.Length];
        for (int i = 0; i < entries.Length; i++) results[i] = await entries[i].Result.Task.ConfigureAwait(false);
        return results;
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
            if (!next.Result.Task.IsCompleted)
            {
                if (batch.Count > 0 && !Fits(batch, tokens, next)) break;
                batch.Add(next);
                tokens += next.Work.Length;
            }
            _queue.Dequeue();
            _queuedTokens -= next.Work.Length;
        }
        return batch;
    }

    private bool Fits(List<Entry> batch, long tokens, Entry next) => _options.Batching
        ? tokens + next.Work.Length <= _options.MaxBatchTokens && batch.Count < _options.MaxBatchRequests
        : next.RequestId == batch[0].RequestId;

    private void Run(List<Entry> batch)
    {
        var work = new SequenceWork[batch.Count];
        int tokens = 0;
        for (int i = 0; i < work.Length; i++)
        {
            work[i] = batch[i].Work;
            tokens += work[i].Length;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            var results = PackedBatch.Run(_model, work);
            _metrics.RecordBatch(work.Length, tokens, clock.Elapsed);
            for (int i = 0; i < results.Length; i++) batch[i].Result.TrySetResult(results[i]);
        }
        catch (Exception e)
        {
            foreach (var entry in batch) entry.Result.TrySetException(e);
        }
    }
}
