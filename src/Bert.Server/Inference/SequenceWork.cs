namespace Bert.Server.Inference;

/// <summary>Which outputs of the forward pass an input needs; a packed batch computes the union.</summary>
[Flags]
internal enum WantedOutputs
{
    None = 0,
    /// <summary>last_hidden_state rows of the input [n, H].</summary>
    Hidden = 1,
    /// <summary>pooler_output [H].</summary>
    Pooler = 2,
    /// <summary>Sequence-classification logits [L].</summary>
    SequenceLogits = 4,
    /// <summary>Token-classification logits [n, L].</summary>
    TokenLogits = 8,
    /// <summary>QA start and end logits [n] each.</summary>
    SpanLogits = 16,
    /// <summary>MLM logits at <see cref="SequenceWork.MaskRows"/> [m, V].</summary>
    MaskedLM = 32,
}

/// <summary>One tokenized input to run: ids and type ids [n] (no padding), what it needs, and for MLM which rows.</summary>
internal sealed record SequenceWork(int[] Ids, int[] TypeIds, WantedOutputs Wanted, int[]? MaskRows = null)
{
    public int Length => Ids.Length;
}

/// <summary>The outputs of one input, cut out of its packed batch; a field is null when not asked for.</summary>
internal sealed class SequenceResult
{
    public float[]? Hidden { get; init; }
    public float[]? Pooler { get; init; }
    public float[]? SequenceLogits { get; init; }
    public float[]? TokenLogits { get; init; }
    public float[]? StartLogits { get; init; }
    public float[]? EndLogits { get; init; }
    public float[]? MaskLogits { get; init; }
}

/// <summary>The queue refused work because it is full (HTTP 429).</summary>
internal sealed class QueueFullException(string message) : Exception(message);

/// <summary>The queue no longer takes work: the model is not loaded yet or the server is stopping (HTTP 503).</summary>
internal sealed class NotReadyException(string message) : Exception(message);
