namespace Bert.Kernels;

/// <summary>Multi-head scaled dot-product self-attention.</summary>
/// <remarks>
/// One task per (batch, head) over <see cref="KernelThreads"/>. Per task: pack Kₕ transposed and Vₕ into panels, then
/// S = Qₕ·Kₕᵀ and context = softmax(S/√d + mask)·Vₕ run on the GEMM micro-kernel (<see cref="GemmPacked.MultiplyBlock"/>),
/// reading Qₕ and writing the context in place in their token-major layout.
/// </remarks>
internal static unsafe class Attention
{
    /// <summary>Floats of scratch <see cref="Forward"/> needs for these dimensions (one share per kernel thread).</summary>
    public static int ScratchLength(int batch, int seq, int heads, int headSize)
        => checked(KernelThreads.Concurrency * SlotLength(seq, headSize));

    private static int SlotLength(int seq, int headSize)
    {
        int nr = GemmPacked.Nr;
        return checked(Align(RoundUp(seq, nr) * headSize) + Align(seq * seq) + Align(RoundUp(headSize, nr) * seq)
            + Align(GemmPacked.EdgeScratchLength(Math.Max(seq, headSize))) + 16);
    }

    private static int RoundUp(int x, int step) => (x + step - 1) / step * step;

    private static int Align(int floats) => RoundUp(floats, 16); // keeps every region 64-byte aligned

    // q, k, v, context: [batch·seq, heads·headSize]; mask: [batch, seq] additive (0 keep, large negative drop) or empty
    /// <summary>context = softmax(q·kᵀ/√headSize + mask) · v per (batch, head).</summary>
    /// <exception cref="ArgumentException">A span is shorter than its dimensions or scratch than <see cref="ScratchLength"/>.</exception>
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> mask,
        int batch, int seq, int heads, int headSize, Span<float> scratch, Span<float> context)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seq);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headSize);
        long size = (long)batch * seq * heads * headSize;
        if (q.Length < size || k.Length < size || v.Length < size || context.Length < size)
            throw new ArgumentException($"q, k, v and context need {batch}×{seq}×{heads}×{headSize} elements each.");
        if (!mask.IsEmpty && mask.Length < (long)batch * seq) throw new ArgumentException($"mask has {mask.Length} elements, expected {batch}×{seq}.", nameof(mask));
        if (scratch.Length < ScratchLength(batch, seq, heads, headSize)) throw new ArgumentException($"scratch has {scratch.Length} elements, expected {ScratchLength(batch, seq, heads, headSize)}.", nameof(scratch));
        if (batch == 0) return;
        fixed (float* pq = q, pk = k, pv = v, pm = mask, ps = scratch, pc = context)
        {
            var job = new Job
            {
                Q = pq, K = pk, V = pv, Mask = mask.IsEmpty ? null : pm, Scratch = ps, Context = pc,
                Seq = seq, Heads = heads, HeadSize = headSize, SlotLength = SlotLength(seq, headSize),
            };
            KernelThreads.Run(&Task, &job, batch * heads);
        }
    }

    private struct Job
    {
        public float* Q, K, V, Mask, Scratch, Context;
        public int Seq, Heads, HeadSize, SlotLength;
    }

    private static void Task(void* context, int t, int slot)
    {
        ref readonly Job job = ref *(Job*)context;
        int b = t / job.Heads, h = t % job.Heads, seq = job.Seq, d = job.HeadSize, nr = GemmPacked.Nr;
        nint hidden = (nint)job.Heads * d;
        nint offset = (nint)b * seq * hidden + (nint)h * d; // first element of head h of sequence b
        float* s0 = job.Scratch + (nint)slot * job.SlotLength;
        float* packedK = (float*)(((nint)s0 + 63) & ~(nint)63);
        float* scores = packedK + Align(RoundUp(seq, nr) * d);
        float* packedV = scores + Align(seq * seq);
        float* edge = packedV + Align(RoundUp(d, nr) * seq);

        // scores[seq, seq] = Qₕ[seq, d] · Kₕ[seq, d]ᵀ
        GemmPacked.PackTransposed(job.K + offset, hidden, seq, d, packedK);
        GemmPacked.MultiplyBlock(job.Q + offset, hidden, seq, packedK, d, seq, scores, seq, null, false, GemmActivation.None, edge);

        float scale = 1f / MathF.Sqrt(d);
        var mask = job.Mask == null ? ReadOnlySpan<float>.Empty : new ReadOnlySpan<float>(job.Mask + (nint)b * seq, seq);
        for (int i = 0; i < seq; i++)
        {
            var row = new Span<float>(scores + (nint)i * seq, seq);
            Softmax.Row(row, mask, scale, row);
        }

        // contextₕ[seq, d] = P[seq, seq] · Vₕ[seq, d]
        GemmPacked.PackRows(job.V + offset, hidden, d, seq, packedV);
        GemmPacked.MultiplyBlock(scores, seq, seq, packedV, seq, d, job.Context + offset, hidden, null, false, GemmActivation.None, edge);
    }
}
