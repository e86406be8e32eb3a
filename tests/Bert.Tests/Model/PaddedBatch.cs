namespace Bert.Tests.Model;

/// <summary>A right-padded batch of sequences of unequal lengths, with a second segment in some of them.</summary>
internal sealed class PaddedBatch
{
    public PaddedBatch(int vocab, int seed, params int[] lengths)
    {
        var rng = new Random(seed);
        Lengths = lengths;
        Seq = lengths.Max();
        Ids = new int[Batch * Seq];
        TypeIds = new int[Batch * Seq];
        Mask = new int[Batch * Seq];
        for (int b = 0; b < Batch; b++)
            for (int s = 0; s < Seq; s++)
            {
                int i = b * Seq + s;
                // Padded positions get arbitrary ids and types: the mask alone must hide them.
                Ids[i] = rng.Next(vocab);
                bool real = s < lengths[b];
                Mask[i] = real ? 1 : 0;
                TypeIds[i] = real ? (s >= (lengths[b] + 1) / 2 && b % 2 == 0 ? 1 : 0) : rng.Next(2);
            }
    }

    public int[] Lengths { get; }
    public int Batch => Lengths.Length;
    public int Seq { get; }
    public int[] Ids { get; }
    public int[] TypeIds { get; }
    public int[] Mask { get; }

    public BertInput Input => new(Ids, TypeIds, Mask, Batch, Seq);

    /// <summary>Sequence b alone, unpadded.</summary>
    public (int[] Ids, int[] Types, int[] Mask) Alone(int b)
    {
        int n = Lengths[b];
        return (Ids.AsSpan(b * Seq, n).ToArray(), TypeIds.AsSpan(b * Seq, n).ToArray(), Enumerable.Repeat(1, n).ToArray());
    }
}
