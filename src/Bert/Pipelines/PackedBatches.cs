using Bert.Tokenization;

namespace Bert.Pipelines;

/// <summary>Cuts inputs into packed forward passes by a token budget and runs the sequence-level heads on them.</summary>
internal static class PackedBatches
{
    /// <summary>
    /// Consecutive batches (Start, Count) of <paramref name="lengths"/>: a batch grows while its token total stays within
    /// <paramref name="maxTokens"/>; an input longer than the budget forms a batch of its own. Order is kept.
    /// </summary>
    public static List<(int Start, int Count)> Split(IReadOnlyList<int> lengths, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        var batches = new List<(int, int)>();
        int start = 0;
        long tokens = 0;
        for (int i = 0; i < lengths.Count; i++)
        {
            if (i > start && tokens + lengths[i] > maxTokens)
            {
                batches.Add((start, i - start));
                start = i;
                tokens = 0;
            }
            tokens += lengths[i];
        }
        if (lengths.Count > start) batches.Add((start, lengths.Count - start));
        return batches;
    }

    /// <summary>The packed input of encodings[start..start+count).</summary>
    public static (int[] Ids, int[] TypeIds, int[] Cu) Pack(IReadOnlyList<BertEncoding> encodings, int start, int count)
        => BertPackedInput.Pack(encodings.Skip(start).Take(count).ToArray());

    /// <summary>
    /// Runs every encoding through the model in packed batches and returns one row of <paramref name="width"/> floats per
    /// encoding: the sequence-classification logits, or the NSP logits when <paramref name="nextSentence"/>.
    /// </summary>
    public static float[] RunSequenceHead(BertModel model, IReadOnlyList<BertEncoding> encodings, int width, bool nextSentence, int maxTokens, CancellationToken cancellationToken)
    {
        var rows = new float[encodings.Count * width];
        foreach (var (start, count) in Split([.. encodings.Select(e => e.Length)], maxTokens))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (ids, typeIds, cu) = Pack(encodings, start, count);
            var destination = rows.AsSpan(start * width, count * width);
            model.Forward(new BertPackedInput(ids, typeIds, cu), nextSentence
                ? new BertOutputs { SeqRelationshipLogits = destination }
                : new BertOutputs { SequenceClassificationLogits = destination });
        }
        return rows;
    }
}
