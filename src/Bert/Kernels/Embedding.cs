namespace Bert.Kernels;

/// <summary>Row gathers from embedding tables.</summary>
internal static class Embedding
{
    // table: [rows, dim]; ids: [t]; y: [t, dim]
    /// <summary>y[t,:] = table[ids[t],:].</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below the number of table rows.</exception>
    /// <exception cref="ArgumentException">y is shorter than ids.Length rows, or the table is not whole rows.</exception>
    public static void Gather(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, Span<float> y)
    {
        Check(table, dim, ids, y);
        for (int t = 0; t < ids.Length; t++) table.Slice(ids[t] * dim, dim).CopyTo(y.Slice(t * dim, dim));
    }

    /// <summary>y[t,:] += table[ids[t],:].</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below the number of table rows.</exception>
    /// <exception cref="ArgumentException">y is shorter than ids.Length rows, or the table is not whole rows.</exception>
    public static void GatherAdd(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, Span<float> y)
    {
        Check(table, dim, ids, y);
        for (int t = 0; t < ids.Length; t++)
        {
            var row = y.Slice(t * dim, dim);
            System.Numerics.Tensors.TensorPrimitives.Add(row, table.Slice(ids[t] * dim, dim), row);
        }
    }

    // All ids are checked before anything is written, so a bad id leaves y untouched.
    private static void Check(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, Span<float> y)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        if (table.Length % dim != 0) throw new ArgumentException($"The table has {table.Length} elements, not a whole number of rows of {dim}.", nameof(table));
        if (y.Length < (long)ids.Length * dim) throw new ArgumentException($"y has {y.Length} elements, expected at least {ids.Length}×{dim}.", nameof(y));
        int rows = table.Length / dim;
        for (int t = 0; t < ids.Length; t++)
            if ((uint)ids[t] >= (uint)rows)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[t], $"Id {ids[t]} at position {t} is outside the embedding table of {rows} rows (valid: 0..{rows - 1}).");
    }
}
