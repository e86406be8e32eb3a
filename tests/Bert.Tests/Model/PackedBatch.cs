namespace Bert.Tests.Model;

/// <summary>A <see cref="PaddedBatch"/>'s real tokens packed end to end (cu_seqlens), with the row maps between the two layouts.</summary>
internal sealed class PackedBatch
{
    public PackedBatch(PaddedBatch padded)
    {
        Padded = padded;
        Cu = new int[padded.Batch + 1];
        for (int b = 0; b < padded.Batch; b++) Cu[b + 1] = Cu[b] + padded.Lengths[b];
        Ids = new int[Tokens];
        TypeIds = new int[Tokens];
        for (int b = 0; b < padded.Batch; b++)
        {
            var (ids, types, _) = padded.Alone(b);
            ids.CopyTo(Ids, Cu[b]);
            types.CopyTo(TypeIds, Cu[b]);
        }
    }

    public PaddedBatch Padded { get; }
    public int[] Cu { get; }
    public int[] Ids { get; }
    public int[] TypeIds { get; }
    public int Batch => Padded.Batch;
    public int Tokens => Cu[^1];

    public BertPackedInput Input => new(Ids, TypeIds, Cu);

    /// <summary>Packed row of token s of sequence b, and its row in the padded layout.</summary>
    public IEnumerable<(int Packed, int Padded)> Rows()
    {
        for (int b = 0; b < Batch; b++)
            for (int s = 0; s < Padded.Lengths[b]; s++) yield return (Cu[b] + s, b * Padded.Seq + s);
    }
}
