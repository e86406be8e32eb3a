using Bert.Kernels;

namespace Bert.Model;

/// <summary>
/// Every scratch buffer of a forward pass, sized for a (batch, sequence) capacity and reused by every call.
/// </summary>
/// <remarks>
/// <see cref="Prepare"/> grows the buffers only when a call needs more room than any call before it, so a
/// steady-state forward pass allocates nothing. Spans returned by the properties cover exactly the current
/// batch·seq tokens. Not thread-safe: one forward pass at a time.
/// </remarks>
internal sealed class Workspace
{
    private readonly BertConfig _config;
    private float[] _hidden = [], _attentionOutput = [], _query = [], _key = [], _value = [], _context = [];
    private float[] _projection = [], _transform = [], _intermediate = [], _attentionScratch = [], _additiveMask = [];
    private float[] _clsRows = [], _pooled = [];
    private int[] _positionIds = [], _zeroTypeIds = [], _clsRowIds = [];
    private int _tokenCapacity, _batchCapacity, _preparedBatch = -1, _preparedSeq = -1;

    /// <summary>Creates an empty workspace for models of this configuration.</summary>
    public Workspace(BertConfig config) => _config = config;

    /// <summary>Sequences in the current call.</summary>
    public int Batch { get; private set; }

    /// <summary>Tokens per sequence in the current call.</summary>
    public int Seq { get; private set; }

    /// <summary>Batch · Seq.</summary>
    public int Tokens => Batch * Seq;

    private int H => _config.HiddenSize;

    /// <summary>The residual stream [tokens, hidden]: embeddings output, then each layer's output.</summary>
    public Span<float> Hidden => _hidden.AsSpan(0, Tokens * H);

    /// <summary>BertAttention's output [tokens, hidden] (input of BertIntermediate and residual of BertOutput).</summary>
    public Span<float> AttentionOutput => _attentionOutput.AsSpan(0, Tokens * H);

    /// <summary>Query projection [tokens, hidden].</summary>
    public Span<float> Query => _query.AsSpan(0, Tokens * H);

    /// <summary>Key projection [tokens, hidden].</summary>
    public Span<float> Key => _key.AsSpan(0, Tokens * H);

    /// <summary>Value projection [tokens, hidden].</summary>
    public Span<float> Value => _value.AsSpan(0, Tokens * H);

    /// <summary>Attention context (heads side by side) [tokens, hidden].</summary>
    public Span<float> Context => _context.AsSpan(0, Tokens * H);

    /// <summary>A dense layer's output before its residual LayerNorm [tokens, hidden]; also the embeddings' sum.</summary>
    public Span<float> Projection => _projection.AsSpan(0, Tokens * H);

    /// <summary>BertPredictionHeadTransform's output [tokens, hidden].</summary>
    public Span<float> Transform => _transform.AsSpan(0, Tokens * H);

    /// <summary>BertIntermediate's output [tokens, intermediate].</summary>
    public Span<float> Intermediate => _intermediate.AsSpan(0, Tokens * _config.IntermediateSize);

    /// <summary>Scratch of <see cref="Attention.Forward"/>.</summary>
    public Span<float> AttentionScratch => _attentionScratch.AsSpan(0, ScratchLength(Batch, Seq));

    /// <summary>The additive attention mask [batch, seq]: 0 keep, float.MinValue drop.</summary>
    public Span<float> AdditiveMask => _additiveMask.AsSpan(0, Tokens);

    /// <summary>Position ids [batch, seq]: 0..seq−1 for every sequence.</summary>
    public ReadOnlySpan<int> PositionIds => _positionIds.AsSpan(0, Tokens);

    /// <summary>All-zero token type ids [batch, seq], used when the caller gives none.</summary>
    public ReadOnlySpan<int> ZeroTypeIds => _zeroTypeIds.AsSpan(0, Tokens);

    /// <summary>Row index of each sequence's first token ([CLS]) in the token-major hidden state [batch].</summary>
    public ReadOnlySpan<int> ClsRowIds => _clsRowIds.AsSpan(0, Batch);

    /// <summary>The [CLS] rows gathered [batch, hidden].</summary>
    public Span<float> ClsRows => _clsRows.AsSpan(0, Batch * H);

    /// <summary>BertPooler's output [batch, hidden].</summary>
    public Span<float> Pooled => _pooled.AsSpan(0, Batch * H);

    /// <summary>Sizes every buffer for (batch, seq), growing only past the largest size seen so far.</summary>
    /// <remarks>The caller has checked that batch·seq·max(hidden, intermediate) fits an array.</remarks>
    public void Prepare(int batch, int seq)
    {
        int tokens = batch * seq;
        if (tokens > _tokenCapacity) GrowTokenBuffers(tokens);
        if (batch > _batchCapacity) GrowBatchBuffers(batch);
        if (ScratchLength(batch, seq) > _attentionScratch.Length) _attentionScratch = new float[ScratchLength(batch, seq)];
        Batch = batch;
        Seq = seq;
        if (batch != _preparedBatch || seq != _preparedSeq) FillIndices(batch, seq);
    }

    private int ScratchLength(int batch, int seq) => Attention.ScratchLength(batch, seq, _config.NumAttentionHeads, _config.HeadSize);

    private void GrowTokenBuffers(int tokens)
    {
        int width = tokens * H;
        _hidden = new float[width];
        _attentionOutput = new float[width];
        _query = new float[width];
        _key = new float[width];
        _value = new float[width];
        _context = new float[width];
        _projection = new float[width];
        _transform = new float[width];
        _intermediate = new float[tokens * _config.IntermediateSize];
        _additiveMask = new float[tokens];
        _positionIds = new int[tokens];
        _zeroTypeIds = new int[tokens];
        _tokenCapacity = tokens;
        _preparedBatch = -1;
    }

    private void GrowBatchBuffers(int batch)
    {
        _clsRows = new float[batch * H];
        _pooled = new float[batch * H];
        _clsRowIds = new int[batch];
        _batchCapacity = batch;
        _preparedBatch = -1;
    }

    private void FillIndices(int batch, int seq)
    {
        for (int b = 0; b < batch; b++)
        {
            _clsRowIds[b] = b * seq;
            for (int s = 0; s < seq; s++) _positionIds[b * seq + s] = s;
        }
        _preparedBatch = batch;
        _preparedSeq = seq;
    }
}
