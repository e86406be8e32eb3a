namespace Bert.Pipelines;

/// <summary>How token predictions become entities (HF <c>aggregation_strategy</c>).</summary>
public enum AggregationStrategy
{
    /// <summary>HF "none": one entity per token (special tokens skipped), labelled with the token's arg-max label.</summary>
    None,

    /// <summary>HF "simple": token labels as in <see cref="None"/>, then adjacent tokens grouped by B-/I- tags (score = mean of the token scores).</summary>
    Simple,

    /// <summary>HF "first": each word takes the label and score of its first piece, then words are grouped as in <see cref="Simple"/>.</summary>
    First,

    /// <summary>HF "average": each word takes the arg-max of its pieces' mean probability vector, then words are grouped.</summary>
    Average,

    /// <summary>HF "max": each word takes the label and score of its most confident piece (first on ties), then words are grouped.</summary>
    Max,
}

/// <summary>Settings of token classification (HF <c>TokenClassificationPipeline</c>); the defaults are HF's.</summary>
public sealed record TokenClassificationOptions
{
    /// <summary>HF <c>aggregation_strategy</c>. Default <see cref="AggregationStrategy.None"/>, as HF.</summary>
    public AggregationStrategy AggregationStrategy { get; init; } = AggregationStrategy.None;

    /// <summary>
    /// HF <c>ignore_labels</c>: entities whose label (<see cref="AggregationStrategy.None"/>) or group label (other
    /// strategies) is listed are dropped. Default ["O"].
    /// </summary>
    public IReadOnlyList<string> IgnoreLabels { get; init; } = ["O"];

    /// <summary>
    /// HF <c>stride</c>: null (default) truncates a long text to <see cref="MaxLength"/> tokens and ignores the rest, as
    /// HF; a value runs the whole text in windows of <see cref="MaxLength"/> tokens that share this many tokens, and
    /// entities found in several windows are merged (overlapping spans: the longer wins, then the higher score). Needs an
    /// aggregation strategy other than <see cref="AggregationStrategy.None"/> and must be below MaxLength − 2.
    /// </summary>
    public int? Stride { get; init; }

    /// <summary>Tokens per input or window, [CLS] and [SEP] included; null for the model's <see cref="BertModel.MaxTextTokens"/> (HF <c>model_max_length</c>).</summary>
    public int? MaxLength { get; init; }
}
