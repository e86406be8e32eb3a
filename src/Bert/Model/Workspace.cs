using Bert.Kernels;

namespace Bert.Model;

/// <summary>
/// Every scratch buffer of a forward pass over T token rows (padded or packed) of B sequences, reused by every call,
/// plus the sequence layout of the current call (boundaries, position ids, [CLS] rows, additive mask).
/// </summary>
/// <remarks>
/// <see cref="Prepare"/> grows the buffers only when a call needs more room than any call before it, so a
/// steady-state forward pass allocates nothing. After a call whose buffers exceed <see cref="RetainedBytesLimit"/>,
/// <see cref="Trim"/> drops them, so a rare huge batch does not stay pinned for the model's lifetime.
/// Spans returned by the properties cover exactly the current call. Not thread-safe: one forward pass at a time.
/// Per token it holds 6·hidden + intermediate floats (30 KiB for BERT-Base).
/// </remarks>
internal sealed class Workspace
{
    /// <summary>Default of <see cref="RetainedBytesLimit"/>: 256 MiB (e.g. ~8,700 BERT-Base tokens, a 64 × 128 padded batch).</summary>
    public const long DefaultRetainedBytesLimit = 256L << 20;

    private readonly BertConfig _config;
    private float[] _hidden = [], _attentionOutput = [], _qkv = [], _context = [], _intermediate = [];
    private float[] _attentionScratch = [], _additiveMask = [], _clsRows = [], _pooled = [];
    private int[] _positionIds = [], _zeroTypeIds = [], _clsRowIds = [], _cu = [];
    private int _tokenCapacity, _batchCapacity;
    private bool _masked;

    /// <summary>Creates an empty workspace for models of this configuration.</summary>
    public Workspace(BertConfig config) => _config = config;

    /// <summary>Bytes kept between calls at most; a call that needed more frees its buffers when it ends.</summary>
    public long RetainedBytesLimit { get; set; } = DefaultRetainedBytesLimit;

    /// <summary>Sequences in the current call.</summary>
    public int Batch { get; private set; }

    /// <summary>Token rows in the current call (T: batch·seq when padded, Σ nᵢ when packed).</summary>
    public int Tokens { get; private set; }

    /// <summary>Longest sequence of the current call.</summary>
    public int MaxSeq { get; private set; }

    /// <summary>Bytes the buffers hold now.</summary>
    public long AllocatedBytes =>
        4L * (_hidden.Length + _attentionOutput.Length + _qkv.Length + _context.Length + _intermediate.Length + _attentionScratch.Length
              + _additiveMask.Length + _clsRows.Length + _pooled.Length + _positionIds.Length + _zeroTypeIds.Length + _clsRowIds.Length + _cu.Length);

    private int H => _config.HiddenSize;

    /// <summary>The residual stream [tokens, hidden]: embeddings output, then each layer's output.</summary>
    public Span<float> Hidden => _hidden.AsSpan(0, Tokens * H);

    /// <summary>BertAttention's output [tokens, hidden] (input of BertIntermediate and residual of BertOutput).</summary>
    public Span<float> AttentionOutput => _attentionOutput.AsSpan(0, Tokens * H);

    /// <summary>The fused query, key and value projections [tokens, 3·hidden] (row t: q_t, k_t, v_t).</summary>
    public Span<float> Qkv => _qkv.AsSpan(0, Tokens * 3 * H);

    /// <summary>Attention context (heads side by side) [tokens, hidden]; also the embeddings' sum.</summary>
    public Span<float> Context => _context.AsSpan(0, Tokens * H);

    /// <summary>BertIntermediate's output [tokens, intermediate].</summary>
    public Span<float> Intermediate => _intermediate.AsSpan(0, Tokens * _config.IntermediateSize);

    /// <summary>Scratch [tokens, hidden] for heads and dense outputs: the first third of <see cref="Qkv"/> (free outside attention).</summary>
    public Span<float> Projection => _qkv.AsSpan(0, Tokens * H);

    /// <summary>Scratch [tokens, hidden] for the MLM head: the second third of <see cref="Qkv"/>.</summary>
    public Span<float> Transform => _qkv.AsSpan(Tokens * H, Tokens * H);

    /// <summary>Scratch of <see cref="Attention"/> for sequences of up to <see cref="MaxSeq"/> tokens.</summary>
    public Span<float> AttentionScratch => _attentionScratch;

    /// <summary>The additive attention mask [tokens]: 0 keep, float.MinValue drop; empty for packed input (nothing to drop).</summary>
    public ReadOnlySpan<float> AdditiveMask => _masked ? _additiveMask.AsSpan(0, Tokens) : default;

    /// <summary>Sequence boundaries [batch+1]: sequence i is token rows [cu[i], cu[i+1]).</summary>
    public ReadOnlySpan<int> CumulativeSequenceLengths => _cu.AsSpan(0, Batch + 1);

    /// <summary>Position ids [tokens]: 0..nᵢ−1 within each sequence.</summary>
    public ReadOnlySpan<int> PositionIds => _positionIds.AsSpan(0, Tokens);

    /// <summary>All-zero token type ids [tokens], used when the caller gives none.</summary>
    public ReadOnlySpan<int> ZeroTypeIds => _zeroTypeIds.AsSpan(0, Tokens);

    /// <summary>Row index of each sequence's first token ([CLS]) [batch].</summary>
    public ReadOnlySpan<int> ClsRowIds => _clsRowIds.AsSpan(0, Batch);

    /// <summary>The [CLS] rows gathered [batch, hidden].</summary>
    public Span<float> ClsRows => _clsRows.AsSpan(0, Batch * H);

    /// <summary>BertPooler's output [batch, hidden].</summary>
    public Span<float> Pooled => _pooled.AsSpan(0, Batch * H);

    /// <summary>Lays out a padded batch: batch sequences of seq rows each, mask 0/1 per token (empty: all ones).</summary>
    /// <remarks>The caller has checked the dimensions and the mask values.</remarks>
    public void PreparePadded(int batch, int seq, ReadOnlySpan<int> mask)
    {
        Prepare(batch * seq, batch, seq);
        for (int b = 0; b <= batch; b++) _cu[b] = b * seq;
        FillLayout();
        _masked = !mask.IsEmpty;
        if (_masked) AttentionMask.ToAdditive(mask, _additiveMask.AsSpan(0, Tokens));
    }

    /// <summary>Lays out a packed batch with these (validated) boundaries.</summary>
    public void PreparePacked(ReadOnlySpan<int> cu, int maxSeq)
    {
        Prepare(cu[^1], cu.Length - 1, maxSeq);
        cu.CopyTo(_cu);
        FillLayout();
        _masked = false;
    }

    /// <summary>Drops every buffer when they hold more than <see cref="RetainedBytesLimit"/> (or always, when forced).</summary>
    public void Trim(bool force = false)
    {
        if (!force && AllocatedBytes <= RetainedBytesLimit) return;
        _hidden = _attentionOutput = _qkv = _context = _intermediate = _attentionScratch = _additiveMask = _clsRows = _pooled = [];
        _positionIds = _zeroTypeIds = _clsRowIds = _cu = [];
        _tokenCapacity = _batchCapacity = 0;
        Tokens = Batch = MaxSeq = 0;
        _masked = false;
    }

    // The caller has checked that tokens·max(3·hidden, intermediate) fits an array.
    private void Prepare(int tokens, int batch, int maxSeq)
    {
        if (tokens > _tokenCapacity) GrowTokenBuffers(tokens);
        if (batch > _batchCapacity) GrowBatchBuffers(batch);
        int scratch = Attention.ScratchLength(maxSeq, _config.HeadSize);
        if (scratch > _attentionScratch.Length) _attentionScratch = Allocate<float>(scratch);
        Tokens = tokens;
        Batch = batch;
        MaxSeq = maxSeq;
    }

    private void FillLayout()
    {
        for (int b = 0; b < Batch; b++)
        {
            int start = _cu[b], n = _cu[b + 1] - start;
            _clsRowIds[b] = start;
            for (int s = 0; s < n; s++) _positionIds[start + s] = s;
        }
    }

    private void GrowTokenBuffers(int tokens)
    {
        int width = tokens * H;
        // Drop the old buffers first, so the GC may reuse their memory for the new ones.
        _hidden = _attentionOutput = _qkv = _context = _intermediate = [];
        _hidden = Allocate<float>(width);
        _attentionOutput = Allocate<float>(width);
        _qkv = Allocate<float>(checked(3 * width));
        _context = Allocate<float>(width);
        _intermediate = Allocate<float>(checked(tokens * _config.IntermediateSize));
        _additiveMask = Allocate<float>(tokens);
        _positionIds = Allocate<int>(tokens);
        _zeroTypeIds = new int[tokens];
        _tokenCapacity = tokens;
    }

    private void GrowBatchBuffers(int batch)
    {
        _clsRows = Allocate<float>(batch * H);
        _pooled = Allocate<float>(batch * H);
        _clsRowIds = Allocate<int>(batch);
        _cu = Allocate<int>(batch + 1);
        _batchCapacity = batch;
    }

    // Why uninitialized: every buffer is written before it is read; zeroing 100+ MB would cost more than a small pass.
    private static T[] Allocate<T>(int length) => GC.AllocateUninitializedArray<T>(length);
}
