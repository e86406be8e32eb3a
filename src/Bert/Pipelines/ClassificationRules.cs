using System.Numerics.Tensors;
using Bert.Kernels;

namespace Bert.Pipelines;

/// <summary>
/// Post-processing of sequence-classifier logits as Hugging Face's text-classification pipeline does it: pure functions
/// over arrays, usable on logits from anywhere.
/// </summary>
public static class ClassificationRules
{
    /// <summary>
    /// The function HF's <c>function_to_apply="default"</c> picks: <paramref name="requested"/> unless it is
    /// <see cref="ClassificationFunction.Default"/>; else regression → None; multi_label_classification or
    /// <paramref name="numLabels"/> = 1 → Sigmoid; otherwise (single_label_classification, or several labels) → Softmax.
    /// </summary>
    /// <param name="requested">The caller's choice.</param>
    /// <param name="problemType">config.json <c>problem_type</c>, or null.</param>
    /// <param name="numLabels">Number of classes L ≥ 1.</param>
    /// <returns>Softmax, Sigmoid or None.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numLabels"/> is below 1.</exception>
    public static ClassificationFunction Resolve(ClassificationFunction requested, string? problemType, int numLabels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numLabels, 1);
        if (requested != ClassificationFunction.Default) return requested;
        if (problemType == "regression") return ClassificationFunction.None;
        if (problemType == "multi_label_classification" || numLabels == 1) return ClassificationFunction.Sigmoid;
        return ClassificationFunction.Softmax;
    }

    // logits, scores: [L]
    /// <summary>scores = f(logits) for f = softmax (max-subtracted), sigmoid or identity.</summary>
    /// <param name="function">Softmax, Sigmoid or None (resolve Default first).</param>
    /// <param name="logits">z [L].</param>
    /// <param name="scores">s [L]; may alias <paramref name="logits"/>.</param>
    /// <exception cref="ArgumentException">Lengths differ, or <paramref name="function"/> is Default.</exception>
    public static void Apply(ClassificationFunction function, ReadOnlySpan<float> logits, Span<float> scores)
    {
        if (logits.Length != scores.Length) throw new ArgumentException($"scores has {scores.Length} elements for {logits.Length} logits.", nameof(scores));
        switch (function)
        {
            case ClassificationFunction.Softmax: Softmax.Masked(logits, default, 1, logits.Length, scores); break;
            case ClassificationFunction.Sigmoid: TensorPrimitives.Sigmoid(logits, scores); break;
            case ClassificationFunction.None: logits.CopyTo(scores); break;
            default: throw new ArgumentException("Resolve Default to Softmax, Sigmoid or None first.", nameof(function));
        }
    }

    /// <summary>
    /// Indices of <paramref name="scores"/> sorted by score, highest first, ties (and NaN last) in index order — HF's stable
    /// <c>sort(reverse=True)</c> — then cut to <paramref name="topK"/> (null: all).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is below 1.</exception>
    public static int[] Rank(ReadOnlySpan<float> scores, int? topK)
    {
        if (topK is < 1) throw new ArgumentOutOfRangeException(nameof(topK), topK, "topK must be at least 1.");
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var s = scores.ToArray();
        // float.CompareTo puts NaN below every number, so b.CompareTo(a) sorts descending with NaN last.
        Array.Sort(order, (a, b) => s[b].CompareTo(s[a]) is var c && c != 0 ? c : a.CompareTo(b));
        return topK is int k && k < order.Length ? order[..k] : order;
    }

    /// <summary>The whole post-processing of one input: scores = f(logits), labels ranked and cut to <paramref name="topK"/>.</summary>
    /// <param name="logits">z [L], L ≥ 1.</param>
    /// <param name="function">Softmax, Sigmoid or None (resolve Default first with <see cref="Resolve"/>).</param>
    /// <param name="id2Label">Class names; a missing id is named <c>LABEL_{id}</c>.</param>
    /// <param name="topK">Labels to report (null: all).</param>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty or the function is Default.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is below 1.</exception>
    public static BertClassification Postprocess(ReadOnlySpan<float> logits, ClassificationFunction function, IReadOnlyDictionary<int, string> id2Label, int? topK)
    {
        ArgumentNullException.ThrowIfNull(id2Label);
        if (logits.IsEmpty) throw new ArgumentException("At least one logit is needed.", nameof(logits));
        var scores = new float[logits.Length];
        Apply(function, logits, scores);
        var labels = Rank(scores, topK).Select(i => new BertLabelScore(LabelName(id2Label, i), i, scores[i])).ToArray();
        return new BertClassification(labels, scores, logits.ToArray(), function);
    }

    /// <summary>id2label[<paramref name="id"/>], or <c>LABEL_{id}</c> as transformers names unnamed classes.</summary>
    public static string LabelName(IReadOnlyDictionary<int, string> id2Label, int id)
        => id2Label.TryGetValue(id, out var name) ? name : $"LABEL_{id}";
}
