using Bert.Synthetic;

namespace Bert.Tests.Model;

/// <summary>A right-padded batch of "[CLS] A [SEP] B [SEP]" sequences of unequal lengths, as a BERT tokenizer lays them out.</summary>
internal sealed class PairBatch
{
    private PairBatch(int batch, int seq)
    {
        Batch = batch;
        Seq = seq;
        Ids = new int[batch * seq];
        TypeIds = new int[batch * seq];
        Mask = new int[batch * seq];
    }

    public int Batch { get; }
    public int Seq { get; }
    public int[] Ids { get; }
    public int[] TypeIds { get; }
    public int[] Mask { get; }

    /// <summary>Segments (|A|, |B|) per sequence; |B| = 0 makes a single sentence "[CLS] A [SEP]".</summary>
    public static PairBatch Create(int vocab, int seed, params (int A, int B)[] segments)
    {
        static int Length((int A, int B) s) => s.A + 2 + (s.B > 0 ? s.B + 1 : 0);
        var rng = new Random(seed);
        var batch = new PairBatch(segments.Length, segments.Max(Length));
        int cls = SyntheticVocabulary.IdOf("[CLS]", vocab), sep = SyntheticVocabulary.IdOf("[SEP]", vocab), pad = SyntheticVocabulary.IdOf("[PAD]", vocab);
        int firstWord = SyntheticVocabulary.IdOf("[MASK]", vocab) + 1;
        for (int b = 0; b < segments.Length; b++)
        {
            var (a, bLen) = segments[b];
            var row = new List<(int Id, int Type)> { (cls, 0) };
            for (int i = 0; i < a; i++) row.Add((rng.Next(firstWord, vocab), 0));
            row.Add((sep, 0));
            if (bLen > 0)
            {
                for (int i = 0; i < bLen; i++) row.Add((rng.Next(firstWord, vocab), 1));
                row.Add((sep, 1));
            }
            for (int s = 0; s < batch.Seq; s++)
            {
                int i = b * batch.Seq + s;
                (batch.Ids[i], batch.TypeIds[i], batch.Mask[i]) = s < row.Count ? (row[s].Id, row[s].Type, 1) : (pad, 0, 0);
            }
        }
        return batch;
    }
}
