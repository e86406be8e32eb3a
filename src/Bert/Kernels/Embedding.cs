using Bert.Kernels.Reference;

namespace Bert.Kernels;

/// <summary>Row gathers from embedding tables.</summary>
internal static class Embedding
{
    // table: [rows, dim]; ids: [t]; y: [t, dim]
    /// <summary>y[t,:] = table[ids[t],:].</summary>
    public static void Gather(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, Span<float> y) => NaiveKernels.Gather(table, dim, ids, y);

    /// <summary>y[t,:] += table[ids[t],:].</summary>
    public static void GatherAdd(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, Span<float> y) => NaiveKernels.GatherAdd(table, dim, ids, y);
}
