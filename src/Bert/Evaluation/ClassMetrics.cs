namespace Bert.Evaluation;

/// <summary>Precision, recall and F1 of one class (or entity type), as one row of scikit-learn's / seqeval's classification report.</summary>
/// <param name="Label">The class or entity type.</param>
/// <param name="Precision">P = TP / (TP + FP), or 0 when nothing was predicted as this class (scikit-learn's <c>zero_division="warn"</c> value).</param>
/// <param name="Recall">R = TP / (TP + FN), or 0 when the class never occurs.</param>
/// <param name="F1">F1 = 2·P·R / (P + R), or 0 when P + R = 0.</param>
/// <param name="Support">TP + FN: how often the class occurs in the expected labels.</param>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);

/// <summary>One averaged row of a classification report.</summary>
/// <param name="Precision">Averaged precision.</param>
/// <param name="Recall">Averaged recall.</param>
/// <param name="F1">Averaged F1 (for macro and weighted: the average of per-class F1, not F1 of the averages, as scikit-learn).</param>
/// <param name="Support">Total support of the classes averaged.</param>
public sealed record AveragedMetrics(double Precision, double Recall, double F1, int Support);

/// <summary>Per-class metrics from counts, and the micro, macro and weighted averages of scikit-learn's <c>precision_recall_fscore_support</c>.</summary>
internal static class MetricAverages
{
    /// <summary>P, R, F1 from counts with scikit-learn's zero-division value 0.</summary>
    public static (double P, double R, double F1) Score(int truePositives, int predicted, int actual)
    {
        double p = predicted == 0 ? 0 : (double)truePositives / predicted;
        double r = actual == 0 ? 0 : (double)truePositives / actual;
        return (p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
    }

    /// <summary>Per-class rows from TP, predicted and actual counts per label.</summary>
    public static ClassMetrics[] PerClass(IReadOnlyList<string> labels, int[] tp, int[] predicted, int[] actual)
    {
        var rows = new ClassMetrics[labels.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            var (p, r, f) = Score(tp[i], predicted[i], actual[i]);
            rows[i] = new ClassMetrics(labels[i], p, r, f, actual[i]);
        }
        return rows;
    }

    /// <summary>Micro: P, R, F1 of the summed counts.</summary>
    public static AveragedMetrics Micro(int[] tp, int[] predicted, int[] actual)
    {
        var (p, r, f) = Score(tp.Sum(), predicted.Sum(), actual.Sum());
        return new AveragedMetrics(p, r, f, actual.Sum());
    }

    /// <summary>Macro: unweighted mean over the classes (0 when there is none).</summary>
    public static AveragedMetrics Macro(IReadOnlyList<ClassMetrics> rows) => rows.Count == 0
        ? new AveragedMetrics(0, 0, 0, 0)
        : new AveragedMetrics(rows.Average(x => x.Precision), rows.Average(x => x.Recall), rows.Average(x => x.F1), rows.Sum(x => x.Support));

    /// <summary>Weighted: mean weighted by support (0 when the total support is 0).</summary>
    public static AveragedMetrics Weighted(IReadOnlyList<ClassMetrics> rows)
    {
        int total = rows.Sum(x => x.Support);
        if (total == 0) return new AveragedMetrics(0, 0, 0, 0);
        double W(Func<ClassMetrics, double> metric) => rows.Sum(x => metric(x) * x.Support) / total;
        return new AveragedMetrics(W(x => x.Precision), W(x => x.Recall), W(x => x.F1), total);
    }
}
