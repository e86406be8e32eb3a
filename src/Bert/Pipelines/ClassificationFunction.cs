namespace Bert.Pipelines;

/// <summary>How classifier logits z become scores s (Hugging Face's <c>function_to_apply</c>).</summary>
public enum ClassificationFunction
{
    /// <summary>
    /// Decide from config.json as HF does: <c>problem_type</c> regression → <see cref="None"/>; multi_label_classification
    /// or a single label → <see cref="Sigmoid"/>; single_label_classification or several labels → <see cref="Softmax"/>.
    /// </summary>
    Default,

    /// <summary>s_i = exp(z_i) / Σ_j exp(z_j): one distribution over mutually exclusive classes.</summary>
    Softmax,

    /// <summary>s_i = 1 / (1 + exp(−z_i)): an independent probability per class (multi-label, 1-label, cross-encoders).</summary>
    Sigmoid,

    /// <summary>s_i = z_i: the raw logit (regression).</summary>
    None,
}
