using Bert.Model;

namespace Bert.Tests.Model;

/// <summary>
/// The packed forward pass the slow obvious way, as the oracle of the real one: runs each sequence alone through the
/// padded path (batch 1, no padding) and scatters its outputs into the packed layout.
/// </summary>
internal static class PackedReference
{
    public static void Run(BertNetwork network, in BertPackedInput input, in BertOutputs o, BertObserver? observer)
    {
        var config = network.Config;
        int total = input.TotalTokens;
        int b = input.BatchSize, h = config.HiddenSize, labels = network.NumLabels, v = config.VocabSize;
        var cu = input.CumulativeSequenceLengths;
        var rows = o.PredictionRows;
        InputValidation.CheckRows(rows, total, nameof(o.PredictionRows));
        for (int i = 0; i < b; i++)
        {
            int start = cu[i], n = cu[i + 1] - start;
            var single = new BertInput(input.Ids.Slice(start, n), input.TypeIds.IsEmpty ? default : input.TypeIds.Slice(start, n), default, 1, n);
            var (localRows, targets) = RowsOf(rows, start, n, o.PredictionLogits.IsEmpty);
            var logits = o.PredictionLogits.IsEmpty ? default : new float[(rows.IsEmpty ? n : localRows.Length) * v];
            bool wantLogits = !o.PredictionLogits.IsEmpty && (rows.IsEmpty || localRows.Length > 0);
            network.Forward(single, new BertOutputs
            {
                LastHiddenState = Slice(o.LastHiddenState, start, n, h),
                PoolerOutput = Slice(o.PoolerOutput, i, 1, h),
                SeqRelationshipLogits = Slice(o.SeqRelationshipLogits, i, 1, 2),
                SequenceClassificationLogits = Slice(o.SequenceClassificationLogits, i, 1, labels),
                TokenClassificationLogits = Slice(o.TokenClassificationLogits, start, n, labels),
                StartLogits = Slice(o.StartLogits, start, n, 1),
                EndLogits = Slice(o.EndLogits, start, n, 1),
                PredictionLogits = wantLogits ? logits : default,
                PredictionRows = localRows,
            }, observer);
            if (!wantLogits) continue;
            if (rows.IsEmpty) logits.AsSpan().CopyTo(o.PredictionLogits.Slice(start * v, n * v));
            else for (int r = 0; r < targets.Length; r++) logits.AsSpan(r * v, v).CopyTo(o.PredictionLogits.Slice(targets[r] * v, v));
        }
    }

    private static Span<float> Slice(Span<float> span, int row, int count, int width)
        => span.IsEmpty ? default : span.Slice(row * width, count * width);

    /// <summary>The requested rows inside [start, start+n), made local, and where their logits go in the output.</summary>
    private static (int[] Local, int[] Targets) RowsOf(ReadOnlySpan<int> rows, int start, int n, bool unused)
    {
        if (rows.IsEmpty || unused) return ([], []);
        var local = new List<int>();
        var targets = new List<int>();
        for (int r = 0; r < rows.Length; r++)
        {
            if (rows[r] < start || rows[r] >= start + n) continue;
            local.Add(rows[r] - start);
            targets.Add(r);
        }
        return ([.. local], [.. targets]);
    }
}
