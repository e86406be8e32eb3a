namespace Bert.Kernels;

/// <summary>Multi-head scaled dot-product self-attention over padded or packed (variable-length) sequences.</summary>
/// <remarks>
/// One task per (sequence, head) over <see cref="KernelThreads"/>. Per task: pack Kₕ transposed and Vₕ into panels, then
/// S = Qₕ·Kₕᵀ and context = softmax(S/√d + mask)·Vₕ run on the GEMM micro-kernel (<see cref="GemmPacked.MultiplyBlock"/>),
/// reading Qₕ, Kₕ, Vₕ with any row stride (e.g. the fused [tokens, 3·hidden] QKV projection) and writing the context in
/// place in its token-major [tokens, hidden] layout. Sequence i is rows [cu[i], cu[i+1]) (cu_seqlens of varlen attention);
/// it attends only to its own rows.
/// </remarks>
internal static unsafe class Attention
{
    /// <summary>Floats of scratch <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, int, Span{float}, Span{float})"/> needs (one share per kernel thread).</summary>
    public static int ScratchLength(int batch, int seq, int heads, int headSize) => ScratchLength(seq, headSize);

    /// <summary>Floats of scratch for sequences of at most <paramref name="maxSeq"/> tokens (one share per kernel thread).</summary>
    public static int ScratchLength(int maxSeq, int headSize)
        => checked(KernelThreads.MaxConcurrency * SlotLength(maxSeq, headSize));

    private static int SlotLength(int seq, int headSize)
    {
        int nr = GemmPacked.Nr;
        return checked(Align(RoundUp(seq, nr) * headSize) + Align(seq * seq) + Align(RoundUp(headSize, nr) * seq)
            + Align(GemmPacked.EdgeScratchLength(Math.Max(seq, headSize))) + 16);
    }

    private static int RoundUp(int x, int step) => (x + step - 1) / step * step;

    private static int Align(int floats) => RoundUp(floats, 16); // keeps every region 64-byte aligned

    // q, k, v, context: [batch·seq, heads·headSize]; mask: [batch, seq] additive (0 keep, large negative drop) or empty
    /// <summary>context = softmax(q·kᵀ/√headSize + mask) · v per (batch, head), for a padded batch.</summary>
    /// <exception cref="ArgumentException">A span is shorter than its dimensions or scratch than <see cref="ScratchLength(int, int, int, int)"/>.</exception>
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> mask,
        int batch, int seq, int heads, int headSize, Span<float> scratch, Span<float> context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seq);
        CheckHeads(heads, headSize);
        long size = (long)batch * seq * heads * headSize;
        if (q.Length < size || k.Length < size || v.Length < size || context.Length < size)
            throw new ArgumentException($"q, k, v and context need {batch}×{seq}×{heads}×{headSize} elements each.");
        if (!mask.IsEmpty && mask.Length < (long)batch * seq) throw new ArgumentException($"mask has {mask.Length} elements, expected {batch}×{seq}.", nameof(mask));
        CheckScratch(scratch, seq, headSize);
        if (batch == 0) return;
        fixed (float* pq = q, pk = k, pv = v, pm = mask, ps = scratch, pc = context)
        {
            var job = new Job
            {
                Q = pq, K = pk, V = pv, Mask = mask.IsEmpty ? null : pm, Scratch = ps, Context = pc, Cu = null,
                Seq = seq, Heads = heads, HeadSize = headSize, Ld = heads * headSize, SlotLength = SlotLength(seq, headSize),
            };
            Run(ref job, batch, scratch.Length);
        }
    }

    // q, k, v: [tokens, ld] (head h at columns h·headSize of each); context: [tokens, heads·headSize];
    // cu: [batch+1] sequence boundaries; mask: [tokens] additive or empty
    /// <summary>
    /// context = softmax(q·kᵀ/√headSize + mask) · v per (sequence, head), sequence i being rows [cu[i], cu[i+1]).
    /// q, k and v may be views into one fused buffer (same span, different offsets) with row stride <paramref name="ld"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// cu is not a non-decreasing list from 0 of sequences of ≤ maxSeq tokens; a span is shorter than its dimensions; scratch is shorter than <see cref="ScratchLength(int, int)"/>(maxSeq).
    /// </exception>
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int ld, ReadOnlySpan<float> mask,
        ReadOnlySpan<int> cu, int maxSeq, int heads, int headSize, Span<float> scratch, Span<float> context)
    {
        CheckHeads(heads, headSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSeq);
        if (cu.Length < 1 || cu[0] != 0) throw new ArgumentException("cu must start with 0.", nameof(cu));
        for (int i = 0; i + 1 < cu.Length; i++)
            if (cu[i + 1] < cu[i] || cu[i + 1] - cu[i] > maxSeq)
                throw new ArgumentException($"cu[{i}..{i + 1}] = {cu[i]}..{cu[i + 1]} is not a sequence of 0..{maxSeq} tokens.", nameof(cu));
        int width = heads * headSize, batch = cu.Length - 1;
        long tokens = cu[^1];
        if (ld < width) throw new ArgumentOutOfRangeException(nameof(ld), ld, $"The row stride must be at least heads × headSize = {width}.");
        long need = tokens == 0 ? 0 : (tokens - 1) * ld + width;
        if (q.Length < need || k.Length < need || v.Length < need || context.Length < tokens * width)
            throw new ArgumentException($"q, k, v need {tokens} rows of stride {ld} and context {tokens}×{width} elements.");
        if (!mask.IsEmpty && mask.Length < tokens) throw new ArgumentException($"mask has {mask.Length} elements, expected {tokens}.", nameof(mask));
        CheckScratch(scratch, maxSeq, headSize);
        if (tokens == 0) return;
        fixed (float* pq = q, pk = k, pv = v, pm = mask, ps = scratch, pc = context)
        fixed (int* pcu = cu)
        {
            var job = new Job
            {
                Q = pq, K = pk, V = pv, Mask = mask.IsEmpty ? null : pm, Scratch = ps, Context = pc, Cu = pcu,
                Seq = maxSeq, Heads = heads, HeadSize = headSize, Ld = ld, SlotLength = SlotLength(maxSeq, headSize),
            };
            Run(ref job, batch, scratch.Length);
        }
    }

    private static void CheckHeads(int heads, int headSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headSize);
    }

    private static void CheckScratch(Span<float> scratch, int seq, int headSize)
    {
        // One slot is enough (the job then runs on fewer threads); ScratchLength gives every thread its own.
        if (scratch.Length < SlotLength(seq, headSize))
            throw new ArgumentException($"scratch has {scratch.Length} elements, expected {ScratchLength(seq, headSize)}.", nameof(scratch));
    }

    private static void Run(ref Job job, int batch, int scratchLength)
    {
        // Why cap the threads: each running thread needs its own scratch slot.
        int slots = scratchLength / job.SlotLength;
        fixed (Job* pj = &job) KernelThreads.Run(&Task, pj, batch * job.Heads, slots);
    }

    private struct Job
    {
        public float* Q, K, V, Mask, Scratch, Context;
        public int* Cu; // null: uniform sequences of Seq tokens
        public int Seq, Heads, HeadSize, Ld, SlotLength;
    }

    private static void Task(void* context, int t, int slot)
    {
        ref readonly Job job = ref *(Job*)context;
        int b = t / job.Heads, h = t % job.Heads, d = job.HeadSize, nr = GemmPacked.Nr;
        int start = job.Cu == null ? b * job.Seq : job.Cu[b];
        int seq = job.Cu == null ? job.Seq : job.Cu[b + 1] - start;
        if (seq == 0) return;
        nint ld = job.Ld, width = (nint)job.Heads * d;
        nint offset = (nint)start * ld + (nint)h * d; // first element of head h of sequence b in q, k, v
        float* s0 = job.Scratch + (nint)slot * job.SlotLength;
        float* packedK = (float*)(((nint)s0 + 63) & ~(nint)63);
        float* scores = packedK + Align(RoundUp(job.Seq, nr) * d);
        float* packedV = scores + Align(job.Seq * job.Seq);
        float* edge = packedV + Align(RoundUp(d, nr) * job.Seq);

        // scores[seq, seq] = Qₕ[seq, d] · Kₕ[seq, d]ᵀ
        GemmPacked.PackTransposed(job.K + offset, ld, seq, d, packedK);
        GemmPacked.MultiplyBlock(job.Q + offset, ld, seq, packedK, d, seq, scores, seq, null, false, GemmActivation.None, edge);

        float scale = 1f / MathF.Sqrt(d);
        var mask = job.Mask == null ? ReadOnlySpan<float>.Empty : new ReadOnlySpan<float>(job.Mask + start, seq);
        for (int i = 0; i < seq; i++)
        {
            var row = new Span<float>(scores + (nint)i * seq, seq);
            Softmax.Row(row, mask, scale, row);
        }

        // contextₕ[seq, d] = P[seq, seq] · Vₕ[seq, d]
        GemmPacked.PackRows(job.V + offset, ld, d, seq, packedV);
        GemmPacked.MultiplyBlock(scores, seq, seq, packedV, seq, d, job.Context + (nint)start * width + (nint)h * d, width, null, false, GemmActivation.None, edge);
    }
}
