using Bert.Tokenization;

namespace Bert.Pipelines;

/// <summary>Options every task pipeline shares: how inputs are cut to the model and how many tokens one forward pass packs.</summary>
public record PipelineOptions
{
    /// <summary>Default of <see cref="MaxBatchTokens"/>.</summary>
    public const int DefaultMaxBatchTokens = 8192;

    /// <summary>
    /// Token budget of one packed forward pass: inputs are packed (no padding) in order until the next one would exceed it;
    /// an input longer than the budget runs alone. Default <see cref="DefaultMaxBatchTokens"/>. Results do not depend on it.
    /// </summary>
    public int MaxBatchTokens { get; init; } = DefaultMaxBatchTokens;

    /// <summary>
    /// How an input (pair) longer than <see cref="MaxLength"/> is cut, as HF's <c>truncation</c>. Default
    /// <see cref="TruncationStrategy.LongestFirst"/> (HF <c>truncation=True</c>).
    /// </summary>
    public TruncationStrategy Truncation { get; init; } = TruncationStrategy.LongestFirst;

    /// <summary>Longest input in tokens, special tokens included; null (default) for <see cref="BertModel.MaxTextTokens"/>.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    internal virtual void Validate()
    {
        if (MaxBatchTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchTokens), MaxBatchTokens, "MaxBatchTokens must be at least 1.");
        if (MaxLength is < 2) throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "MaxLength must be at least 2 ([CLS] and [SEP]).");
    }
}

/// <summary>Options of text classification (Hugging Face's text-classification pipeline).</summary>
public sealed record TextClassificationOptions : PipelineOptions
{
    /// <summary>
    /// How logits become scores (HF <c>function_to_apply</c>). Default <see cref="ClassificationFunction.Default"/>:
    /// decided by config.json <c>problem_type</c> and the number of labels.
    /// </summary>
    public ClassificationFunction FunctionToApply { get; init; } = ClassificationFunction.Default;

    /// <summary>How many labels to report, best first (HF <c>top_k</c>): 1 by default; null for all; more than the labels means all.</summary>
    public int? TopK { get; init; } = 1;

    internal override void Validate()
    {
        base.Validate();
        if (TopK is < 1) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be at least 1 (or null for all labels).");
        if (!Enum.IsDefined(FunctionToApply)) throw new ArgumentOutOfRangeException(nameof(FunctionToApply), FunctionToApply, "Unknown classification function.");
    }
}

/// <summary>Options of cross-encoder reranking (sentence-transformers' <c>CrossEncoder.rank</c>).</summary>
public sealed record RerankOptions : PipelineOptions
{
    /// <summary>How many documents to return, best first; null (default) for all.</summary>
    public int? TopK { get; init; }

    /// <summary>Copy each document's text into <see cref="BertRerankResult.Text"/> (sentence-transformers' <c>return_documents</c>). Default false.</summary>
    public bool ReturnDocuments { get; init; }

    /// <summary>
    /// The activation on the 1-label logit: <see cref="ClassificationFunction.Default"/> (default) is config.json's
    /// <c>sentence_transformers.activation_fn</c> when present (Sigmoid or Identity), else sigmoid, as sentence-transformers'
    /// CrossEncoder; <see cref="ClassificationFunction.Sigmoid"/>; or <see cref="ClassificationFunction.None"/> for raw logits.
    /// Softmax is refused (over one logit it is always 1). The order never depends on it.
    /// </summary>
    public ClassificationFunction Activation { get; init; } = ClassificationFunction.Default;

    internal override void Validate()
    {
        base.Validate();
        if (TopK is < 1) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be at least 1 (or null for all documents).");
        if (Activation is ClassificationFunction.Softmax || !Enum.IsDefined(Activation))
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "Reranking scores one logit: use Default, Sigmoid or None.");
    }
}

/// <summary>
/// Options of fill-mask (Hugging Face's fill-mask pipeline). Toward <see cref="PipelineOptions.MaxBatchTokens"/> each mask
/// counts as vocab_size / 1024 extra tokens, which bounds the prediction logits of one pass.
/// </summary>
public sealed record FillMaskOptions : PipelineOptions
{
    /// <summary>Candidates per mask (HF <c>top_k</c>). Default 5; capped at the vocabulary size, or at the number of targets.</summary>
    public int TopK { get; init; } = 5;

    /// <summary>
    /// Restrict candidates to these tokens (HF <c>targets</c>). A target that is not a vocabulary entry is tokenized and its
    /// first token used; one that yields no token is ignored; duplicates count once. Scores stay probabilities over the whole
    /// vocabulary. Null (default) for the whole vocabulary.
    /// </summary>
    public IReadOnlyList<string>? Targets { get; init; }

    internal override void Validate()
    {
        base.Validate();
        if (TopK < 1) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be at least 1.");
    }
}
