namespace Bert.Server.Inference;

/// <summary>
/// Runs inputs of any lengths as one packed forward pass (<see cref="BertModel.Forward(in BertPackedInput, in BertOutputs)"/>)
/// and cuts each input's outputs out of the packed rows.
/// </summary>
internal static class PackedBatch
{
    /// <summary>Runs <paramref name="work"/> (B inputs, T tokens in all) in one pass; result i belongs to work[i].</summary>
    public static SequenceResult[] Run(BertModel model, IReadOnlyList<SequenceWork> work)
    {
        int b = work.Count, h = model.Config.HiddenSize, l = model.NumLabels, v = model.Config.VocabSize;
        var wanted = WantedOutputs.None;
        var cu = new int[b + 1];
        for (int i = 0; i < b; i++)
        {
            wanted |= work[i].Wanted;
            cu[i + 1] = cu[i] + work[i].Length;
        }
        int t = cu[b];
        var ids = new int[t];
        var typeIds = new int[t];
        var maskRows = new List<int>();
        for (int i = 0; i < b; i++)
        {
            work[i].Ids.CopyTo(ids, cu[i]);
            work[i].TypeIds.CopyTo(typeIds, cu[i]);
            foreach (int r in work[i].MaskRows ?? []) maskRows.Add(cu[i] + r);
        }

        float[] Buffer(WantedOutputs o, int size) => (wanted & o) != 0 ? new float[size] : [];
        var hidden = Buffer(WantedOutputs.Hidden, t * h);
        var pooler = Buffer(WantedOutputs.Pooler, b * h);
        var seqLogits = Buffer(WantedOutputs.SequenceLogits, b * l);
        var tokLogits = Buffer(WantedOutputs.TokenLogits, t * l);
        var start = Buffer(WantedOutputs.SpanLogits, t);
        var end = Buffer(WantedOutputs.SpanLogits, t);
        int[] rows = [.. maskRows];
        var mlm = rows.Length > 0 ? new float[rows.Length * v] : [];

        model.Forward(new BertPackedInput(ids, typeIds, cu), new BertOutputs
        {
            LastHiddenState = hidden, PoolerOutput = pooler, SequenceClassificationLogits = seqLogits,
            TokenClassificationLogits = tokLogits, StartLogits = start, EndLogits = end,
            PredictionRows = rows, PredictionLogits = mlm,
        });

        var results = new SequenceResult[b];
        for (int i = 0, maskRow = 0; i < b; i++)
        {
            var w = work[i].Wanted;
            int n = work[i].Length, m = work[i].MaskRows?.Length ?? 0;
            results[i] = new SequenceResult
            {
                Hidden = Slice(hidden, w, WantedOutputs.Hidden, cu[i] * h, n * h),
                Pooler = Slice(pooler, w, WantedOutputs.Pooler, i * h, h),
                SequenceLogits = Slice(seqLogits, w, WantedOutputs.SequenceLogits, i * l, l),
                TokenLogits = Slice(tokLogits, w, WantedOutputs.TokenLogits, cu[i] * l, n * l),
                StartLogits = Slice(start, w, WantedOutputs.SpanLogits, cu[i], n),
                EndLogits = Slice(end, w, WantedOutputs.SpanLogits, cu[i], n),
                MaskLogits = m > 0 ? mlm.AsSpan(maskRow * v, m * v).ToArray() : null,
            };
            maskRow += m;
        }
        return results;
    }

    private static float[]? Slice(float[] source, WantedOutputs wanted, WantedOutputs output, int start, int length) =>
        (wanted & output) != 0 ? source.AsSpan(start, length).ToArray() : null;
}
