namespace Bert;

/// <summary>The result of <see cref="BertModel.Classify(string)"/>: the most probable label and the full distribution.</summary>
/// <param name="Label">Name of the winning class: id2label[<paramref name="LabelId"/>], or <c>LABEL_{id}</c> when config.json has no id2label.</param>
/// <param name="LabelId">Index of the winning class: argmax of <paramref name="Logits"/> (the lowest index on ties).</param>
/// <param name="Probabilities">p_i = exp(z_i) / Σ_j exp(z_j) for the logits z, one per class.</param>
/// <param name="Logits">The classifier's raw outputs z.</param>
public sealed record BertClassification(string Label, int LabelId, IReadOnlyList<float> Probabilities, IReadOnlyList<float> Logits)
{
    /// <summary>Probability of the winning class.</summary>
    public float Score => Probabilities[LabelId];
}
