namespace Bert.Kernels;

/// <summary>Row gathers from embedding tables.</summary>
internal static unsafe class Embedding
{
    // Why 16K elements per task: as for LayerNorm, smaller tasks cost about what handing them to a thread does.
    private const int ParallelElements = 16 * 1024;

    // word: [V, dim]; type: [Ty, dim]; position: [P, dim]; ids, typeIds, positionIds: [t]; gamma, beta: [dim]; y: [t, dim]
    /// <summary>
    /// y[t,:] = LayerNorm((word[ids[t]] + type[typeIds[t]]) + position[positionIds[t]]) — BertEmbeddings in one pass
    /// per row (summed in Hugging Face's order), rows split over the kernel threads.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside its table.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its dimensions.</exception>
    public static void SumLayerNorm(ReadOnlySpan<float> word, ReadOnlySpan<float> type, ReadOnlySpan<float> position, int dim,
        ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, ReadOnlySpan<int> positionIds,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y)
    {
        Check(word, dim, ids, y);
        if (typeIds.Length != ids.Length || positionIds.Length != ids.Length) throw new ArgumentException($"typeIds and positionIds need {ids.Length} elements.");
        Check(type, dim, typeIds, y);
        Check(position, dim, positionIds, y);
        if (gamma.Length < dim || beta.Length < dim) throw new ArgumentException($"gamma and beta need {dim} elements.");
        if (ids.IsEmpty) return;
        fixed (float* pw = word, pt = type, pp = position, pg = gamma, pb = beta, py = y)
        fixed (int* pi = ids, pti = typeIds, ppi = positionIds)
        {
            var job = new SumJob
            {
                Word = pw, Type = pt, Position = pp, Gamma = pg, Beta = pb, Y = py, Ids = pi, TypeIds = pti, PositionIds = ppi,
                Eps = eps, Rows = ids.Length, Dim = dim, RowsPerTask = Math.Max(1, ParallelElements / dim),
            };
            int tasks = (job.Rows + job.RowsPerTask - 1) / job.RowsPerTask;
            if (tasks == 1) SumTask(&job, 0, 0);
            else KernelThreads.Run(&SumTask, &job, tasks);
        }
    }

    private struct SumJob
    {
        public float* Word, Type, Position, Gamma, Beta, Y;
        public int* Ids, TypeIds, PositionIds;
        public float Eps;
        public int Rows, Dim, RowsPerTask;
    }

    private static void SumTask(void* context, int t, int slot)
    {
        ref readonly SumJob job = ref *(SumJob*)context;
        int r0 = t * job.RowsPerTask, r1 = Math.Min(job.Rows, r0 + job.RowsPerTask), n = job.Dim;
        for (int r = r0; r < r1; r++)
        {
            var row = new Span<float>(job.Y + (nint)r * n, n);
            System.Numerics.Tensors.TensorPrimitives.Add(
                new ReadOnlySpan<float>(job.Word + (nint)job.Ids[r] * n, n), new ReadOnlySpan<float>(job.Type + (nint)job.TypeIds[r] * n, n), row);
            System.Numerics.Tensors.TensorPrimitives.Add(row, new ReadOnlySpan<float>(job.Position + (nint)job.PositionIds[r] * n, n), row);
            Normalization.Row(row, new ReadOnlySpan<float>(job.Gamma, n), new ReadOnlySpan<float>(job.Beta, n), job.Eps, row);
        }
    }

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
