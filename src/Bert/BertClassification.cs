using Bert.Pipelines;

namespace Bert;

/// <summary>
/// The answer of <see cref="BertModel.Classify(string, TextClassificationOptions?)"/> for one input (Hugging Face's
/// text-classification pipeline: a list of <c>{label, score}</c>), with the full score vector and the raw logits.
/// </summary>
public sealed record BertClassification
{
    /// <summary>Creates a result.</summary>
    /// <param name="labels">The reported labels, best first (see <see cref="Labels"/>); at least one.</param>
    /// <param name="scores">Scores of every class in id order.</param>
    /// <param name="logits">Raw classifier outputs in id order.</param>
    /// <param name="function">The function that turned logits into scores.</param>
    /// <exception cref="ArgumentException"><paramref name="labels"/> is empty.</exception>
    public BertClassification(IReadOnlyList<BertLabelScore> labels, IReadOnlyList<float> scores, IReadOnlyList<float> logits, ClassificationFunction function)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0) throw new ArgumentException("At least one label is needed.", nameof(labels));
        Labels = labels;
        Scores = scores;
        Logits = logits;
        Function = function;
    }

    /// <summary>
    /// The top_k labels by score, highest first (ties: lower id first): one by default, all with <c>TopK = null</c>,
    /// as Hugging Face's <c>top_k</c>.
    /// </summary>
    public IReadOnlyList<BertLabelScore> Labels { get; }

    /// <summary>Score of every class in id order: the logits after <see cref="Function"/>.</summary>
    public IReadOnlyList<float> Scores { get; }

    /// <summary>The classifier's raw outputs z in id order.</summary>
    public IReadOnlyList<float> Logits { get; }

    /// <summary>
    /// The function applied (never <see cref="ClassificationFunction.Default"/>): softmax s_i = exp(z_i) / Σ_j exp(z_j),
    /// sigmoid s_i = 1 / (1 + exp(−z_i)), or none s_i = z_i.
    /// </summary>
    public ClassificationFunction Function { get; }

    /// <summary>Name of the best class (id2label, or <c>LABEL_{id}</c>).</summary>
    public string Label => Labels[0].Label;

    /// <summary>Id of the best class: argmax of <see cref="Scores"/>, the lowest id on ties.</summary>
    public int LabelId => Labels[0].Id;

    /// <summary>Score of the best class.</summary>
    public float Score => Labels[0].Score;
}

/// <summary>One class and its score (Hugging Face's <c>{"label": ..., "score": ...}</c>).</summary>
/// <param name="Label">id2label[<paramref name="Id"/>], or <c>LABEL_{id}</c> when config.json has no name for it.</param>
/// <param name="Id">Class index.</param>
/// <param name="Score">The class's score after the classification function.</param>
public sealed record BertLabelScore(string Label, int Id, float Score);
