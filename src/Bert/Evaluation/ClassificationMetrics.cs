namespace Bert.Evaluation;

/// <summary>
/// Metrics of single-label classification, as scikit-learn's <c>accuracy_score</c>, <c>confusion_matrix</c> and
/// <c>precision_recall_fscore_support</c> / <c>classification_report</c> compute them (zero divisions give 0).
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>Accuracy = (number of i with expected[i] = predicted[i]) / n.</summary>
    /// <param name="expected">Gold labels.</param>
    /// <param name="predicted">Predicted labels, same length.</param>
    /// <exception cref="ArgumentNullException">A list or an item is null.</exception>
    /// <exception cref="ArgumentException">The lists are empty or differ in length.</exception>
    public static double Accuracy(IReadOnlyList<string> expected, IReadOnlyList<string> predicted)
    {
        Check(expected, predicted);
        int correct = 0;
        for (int i = 0; i < expected.Count; i++) if (expected[i] == predicted[i]) correct++;
        return (double)correct / expected.Count;
    }

    /// <summary>
    /// The full report: accuracy, confusion matrix, per-class precision/recall/F1/support, and micro, macro and weighted averages.
    /// </summary>
    /// <param name="expected">Gold labels.</param>
    /// <param name="predicted">Predicted labels, same length.</param>
    /// <param name="labels">
    /// Class order of the report (e.g. id2label in id order; classes that never occur get zero rows and count in the macro
    /// average, as in scikit-learn). Null (default): the sorted (ordinal) union of the labels seen, as scikit-learn.
    /// Every label seen must be listed (scikit-learn would silently drop the others).
    /// </param>
    /// <exception cref="ArgumentNullException">A list or an item is null.</exception>
    /// <exception cref="ArgumentException">The lists are empty or differ in length, <paramref name="labels"/> has duplicates, or a label seen is not in it.</exception>
    public static ClassificationReport Compute(IReadOnlyList<string> expected, IReadOnlyList<string> predicted, IReadOnlyList<string>? labels = null)
    {
        Check(expected, predicted);
        var order = labels is null ? [.. expected.Concat(predicted).Distinct().Order(StringComparer.Ordinal)] : CheckLabels(labels);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < order.Length; i++) index[order[i]] = i;
        int k = order.Length;
        var matrix = new int[k][];
        for (int i = 0; i < k; i++) matrix[i] = new int[k];
        for (int n = 0; n < expected.Count; n++) matrix[IndexOf(index, expected[n], nameof(expected))][IndexOf(index, predicted[n], nameof(predicted))]++;
        int[] tp = new int[k], predictedCount = new int[k], actual = new int[k];
        for (int i = 0; i < k; i++)
        {
            tp[i] = matrix[i][i];
            for (int j = 0; j < k; j++)
            {
                actual[i] += matrix[i][j];
                predictedCount[j] += matrix[i][j];
            }
        }
        var rows = MetricAverages.PerClass(order, tp, predictedCount, actual);
        return new ClassificationReport(Accuracy(expected, predicted), order, matrix, rows,
            MetricAverages.Micro(tp, predictedCount, actual), MetricAverages.Macro(rows), MetricAverages.Weighted(rows));
    }

    private static int IndexOf(Dictionary<string, int> index, string label, string parameter)
        => index.TryGetValue(label, out int i) ? i : throw new ArgumentException($"Label '{label}' of {parameter} is not in labels.", "labels");

    private static string[] CheckLabels(IReadOnlyList<string> labels)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] is null) throw new ArgumentNullException(nameof(labels), $"labels[{i}] is null.");
            if (!seen.Add(labels[i])) throw new ArgumentException($"Label '{labels[i]}' is listed twice.", nameof(labels));
        }
        return [.. labels];
    }

    private static void Check(IReadOnlyList<string> expected, IReadOnlyList<string> predicted)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(predicted);
        if (expected.Count == 0) throw new ArgumentException("At least one sample is needed.", nameof(expected));
        if (expected.Count != predicted.Count)
            throw new ArgumentException($"{expected.Count} expected labels but {predicted.Count} predicted.", nameof(predicted));
        for (int i = 0; i < expected.Count; i++)
        {
            if (expected[i] is null) throw new ArgumentNullException(nameof(expected), $"expected[{i}] is null.");
            if (predicted[i] is null) throw new ArgumentNullException(nameof(predicted), $"predicted[{i}] is null.");
        }
    }
}

/// <summary>The result of <see cref="ClassificationMetrics.Compute"/>.</summary>
/// <param name="Accuracy">Fraction of samples whose prediction equals the gold label.</param>
/// <param name="Labels">Class order of <paramref name="ConfusionMatrix"/> and <paramref name="PerClass"/>.</param>
/// <param name="ConfusionMatrix">
/// C[i][j] = number of samples with gold label Labels[i] predicted as Labels[j] (rows: truth, columns: prediction, as scikit-learn).
/// </param>
/// <param name="PerClass">Precision, recall, F1 and support per class, in <paramref name="Labels"/> order.</param>
/// <param name="Micro">P, R, F1 of the summed counts (for single-label data over all classes: all equal to accuracy).</param>
/// <param name="Macro">Unweighted mean over classes.</param>
/// <param name="Weighted">Mean weighted by support.</param>
public sealed record ClassificationReport(double Accuracy, IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix,
    IReadOnlyList<ClassMetrics> PerClass, AveragedMetrics Micro, AveragedMetrics Macro, AveragedMetrics Weighted);
