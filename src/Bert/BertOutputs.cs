namespace Bert;

/// <summary>
/// Caller-owned destinations of a forward pass. Leave a span empty to skip that output (and the work only it needs);
/// a non-empty span must have exactly the length given. B = batch, S = sequence length, H = hidden_size,
/// V = vocab_size, L = number of labels.
/// </summary>
/// <remarks>Names follow Hugging Face's model outputs (and optimum's ONNX output names).</remarks>
public ref struct BertOutputs
{
    /// <summary><c>last_hidden_state</c> [B·S·H]: the encoder's output for every token.</summary>
    public Span<float> LastHiddenState { get; init; }

    /// <summary><c>pooler_output</c> [B·H]: tanh(dense(h_[CLS])). Needs pooler weights.</summary>
    public Span<float> PoolerOutput { get; init; }

    /// <summary>
    /// BertForMaskedLM / BertForPreTraining <c>prediction_logits</c> [B·S·V], or [R·V] for the R rows of <see cref="PredictionRows"/>.
    /// Needs <c>cls.predictions.*</c>.
    /// </summary>
    public Span<float> PredictionLogits { get; init; }

    /// <summary>
    /// Optional: the token rows r = b·S + s whose prediction logits to compute (e.g. the [MASK] positions), in the order
    /// their logits are written. Empty (the default) computes every row. Saves the vocabulary-wide GEMM for the other rows.
    /// </summary>
    public ReadOnlySpan<int> PredictionRows { get; init; }

    /// <summary>BertForNextSentencePrediction / BertForPreTraining <c>seq_relationship_logits</c> [B·2] (0 = "B follows A"). Needs the pooler and <c>cls.seq_relationship.*</c>.</summary>
    public Span<float> SeqRelationshipLogits { get; init; }

    /// <summary>BertForSequenceClassification <c>logits</c> [B·L] = classifier(pooler_output). Needs the pooler and <c>classifier.*</c>.</summary>
    public Span<float> SequenceClassificationLogits { get; init; }

    /// <summary>BertForTokenClassification <c>logits</c> [B·S·L] = classifier(last_hidden_state). Needs <c>classifier.*</c>.</summary>
    public Span<float> TokenClassificationLogits { get; init; }

    /// <summary>BertForQuestionAnswering <c>start_logits</c> [B·S]. Needs <c>qa_outputs.*</c>.</summary>
    public Span<float> StartLogits { get; init; }

    /// <summary>BertForQuestionAnswering <c>end_logits</c> [B·S]. Needs <c>qa_outputs.*</c>.</summary>
    public Span<float> EndLogits { get; init; }
}
