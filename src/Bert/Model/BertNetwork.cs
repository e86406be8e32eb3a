using Bert.Kernels;
using Bert.Loading;

namespace Bert.Model;

/// <summary>
/// The whole network: HF BertModel (embeddings, encoder, optional pooler) plus every task head whose weights are present,
/// with the workspace its forward passes reuse. One forward pass at a time (the workspace is shared).
/// </summary>
internal sealed class BertNetwork
{
    private readonly BertEmbeddings _embeddings;
    private readonly BertEncoder _encoder;
    private readonly BertPooler? _pooler;
    private readonly BertLMPredictionHead? _predictions;
    private readonly LinearHead? _seqRelationship, _classifier, _qaStart, _qaEnd;
    private readonly Workspace _workspace;

    /// <summary>Reads every module from <paramref name="weights"/> (F32 tensors are referenced, not copied).</summary>
    /// <exception cref="BertFormatException">A required tensor is missing or has the wrong shape, or the configuration is unsupported.</exception>
    public BertNetwork(BertConfig config, IWeightSource weights)
    {
        CheckConfig(config);
        Config = config;
        int h = config.HiddenSize;
        _embeddings = BertEmbeddings.Load(weights, config);
        _encoder = BertEncoder.Load(weights, config);
        _pooler = BertPooler.TryLoad(weights, config);
        _predictions = BertLMPredictionHead.TryLoad(weights, config, _embeddings.WordEmbeddings);
        _seqRelationship = LinearHead.TryLoad(weights, "cls.seq_relationship", 2, h);
        _classifier = LinearHead.TryLoad(weights, "classifier", NumLabels, h);
        (_qaStart, _qaEnd) = LinearHead.TryLoadQuestionAnswering(weights, h) ?? default;
        ClassifierUse = ClassifierRouting.Decide(config.Architectures, HasPooler, HasClassifier);
        _workspace = new Workspace(config);
    }

    /// <summary>The architecture.</summary>
    public BertConfig Config { get; }

    /// <summary>Labels of the classifier: the size of id2label, or 2 (HF's default num_labels) when it is absent.</summary>
    public int NumLabels => Config.Id2Label.Count > 0 ? Config.Id2Label.Count : 2;

    /// <summary>True when pooler weights are present.</summary>
    public bool HasPooler => _pooler is not null;

    /// <summary>True when <c>cls.predictions</c> is present.</summary>
    public bool HasMaskedLM => _predictions is not null;

    /// <summary>True when <c>cls.seq_relationship</c> is present.</summary>
    public bool HasNextSentencePrediction => _seqRelationship is not null;

    /// <summary>True when <c>classifier</c> is present.</summary>
    public bool HasClassifier => _classifier is not null;

    /// <summary>What the classifier classifies (by config.json architectures; see <see cref="ClassifierRouting"/>).</summary>
    public ClassifierUse ClassifierUse { get; }

    /// <summary>True when <c>qa_outputs</c> is present.</summary>
    public bool HasQuestionAnswering => _qaStart is not null;

    /// <summary>The workspace's retained-bytes budget (see <see cref="Workspace.RetainedBytesLimit"/>).</summary>
    public long RetainedWorkspaceBytes
    {
        get => _workspace.RetainedBytesLimit;
        set => _workspace.RetainedBytesLimit = value;
    }

    /// <summary>Bytes the workspace holds now.</summary>
    public long WorkspaceBytes => _workspace.AllocatedBytes;

    /// <summary>Frees the workspace; the next call allocates it again.</summary>
    public void ReleaseWorkspace() => _workspace.Trim(force: true);

    /// <summary>Runs a right-padded batch and fills every non-empty output span (token rows b·seq + s).</summary>
    /// <exception cref="ArgumentException">Bad input or output lengths or ids.</exception>
    /// <exception cref="InvalidOperationException">An output needs weights the checkpoint lacks.</exception>
    public void Forward(in BertInput input, in BertOutputs outputs, BertObserver? observer)
    {
        int tokens = InputValidation.CheckInput(input, Config);
        CheckOutputs(outputs, input.BatchSize, tokens);
        _workspace.PreparePadded(input.BatchSize, input.SequenceLength, input.AttentionMask);
        Run(input.Ids, input.TypeIds, outputs, observer);
    }

    /// <summary>
    /// Runs a packed batch: the dense layers on the T real tokens only, attention within each sequence, position ids
    /// restarting at 0 in each; token outputs have T rows, sequence outputs B rows.
    /// </summary>
    /// <exception cref="ArgumentException">Bad boundaries, lengths or ids, or bad output lengths.</exception>
    /// <exception cref="InvalidOperationException">An output needs weights the checkpoint lacks.</exception>
    public void Forward(in BertPackedInput input, in BertOutputs outputs, BertObserver? observer)
    {
        int maxSeq = InputValidation.CheckPacked(input, Config);
        CheckOutputs(outputs, input.BatchSize, input.TotalTokens);
        _workspace.PreparePacked(input.CumulativeSequenceLengths, maxSeq);
        Run(input.Ids, input.TypeIds, outputs, observer);
    }

    // The layout of the call is in the workspace; ids and typeIds are validated, [tokens] (typeIds may be empty).
    private void Run(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, in BertOutputs outputs, BertObserver? observer)
    {
        var ws = _workspace;
        try
        {
            _embeddings.Forward(ids, typeIds.IsEmpty ? ws.ZeroTypeIds : typeIds, ws.PositionIds, ws.Hidden);
            observer?.Invoke("embeddings", ws.Hidden, ws.Tokens, Config.HiddenSize);
            _encoder.Forward(ws, observer);
            RunHeads(outputs, ws, observer);
        }
        finally
        {
            ws.Trim(); // only when this call made the buffers larger than the retained budget
        }
    }

    private void RunHeads(in BertOutputs o, Workspace ws, BertObserver? observer)
    {
        if (!o.LastHiddenState.IsEmpty) ws.Hidden.CopyTo(o.LastHiddenState);
        if (!o.TokenClassificationLogits.IsEmpty) _classifier!.Forward(ws.Hidden, ws.Tokens, o.TokenClassificationLogits);
        if (!o.StartLogits.IsEmpty) _qaStart!.Forward(ws.Hidden, ws.Tokens, o.StartLogits);
        if (!o.EndLogits.IsEmpty) _qaEnd!.Forward(ws.Hidden, ws.Tokens, o.EndLogits);
        if (!o.PredictionLogits.IsEmpty) _predictions!.Forward(ws, o.PredictionRows, o.PredictionLogits);
        if (o.PoolerOutput.IsEmpty && o.SeqRelationshipLogits.IsEmpty && o.SequenceClassificationLogits.IsEmpty) return;
        _pooler!.Forward(ws);
        observer?.Invoke("pooler_output", ws.Pooled, ws.Batch, Config.HiddenSize);
        if (!o.PoolerOutput.IsEmpty) ws.Pooled.CopyTo(o.PoolerOutput);
        if (!o.SeqRelationshipLogits.IsEmpty) _seqRelationship!.Forward(ws.Pooled, ws.Batch, o.SeqRelationshipLogits);
        if (!o.SequenceClassificationLogits.IsEmpty) _classifier!.Forward(ws.Pooled, ws.Batch, o.SequenceClassificationLogits);
    }

    private void CheckOutputs(in BertOutputs o, int batch, int tokens)
    {
        long h = Config.HiddenSize;
        InputValidation.CheckOutput(o.LastHiddenState, tokens * h, nameof(o.LastHiddenState), true, "");
        InputValidation.CheckOutput(o.PoolerOutput, batch * h, nameof(o.PoolerOutput), HasPooler, "pooler.dense");
        InputValidation.CheckRows(o.PredictionRows, tokens, nameof(o.PredictionRows));
        long predictionRows = o.PredictionRows.IsEmpty ? tokens : o.PredictionRows.Length;
        InputValidation.CheckOutput(o.PredictionLogits, predictionRows * Config.VocabSize, nameof(o.PredictionLogits), HasMaskedLM, "cls.predictions");
        bool nsp = HasPooler && HasNextSentencePrediction, seqCls = (ClassifierUse & ClassifierUse.Sequence) != 0;
        InputValidation.CheckOutput(o.SeqRelationshipLogits, batch * 2L, nameof(o.SeqRelationshipLogits), nsp, "pooler.dense + cls.seq_relationship");
        InputValidation.CheckOutput(o.SequenceClassificationLogits, (long)batch * NumLabels, nameof(o.SequenceClassificationLogits), seqCls, "pooler.dense + BertForSequenceClassification classifier");
        InputValidation.CheckOutput(o.TokenClassificationLogits, (long)tokens * NumLabels, nameof(o.TokenClassificationLogits), (ClassifierUse & ClassifierUse.Token) != 0, "BertForTokenClassification classifier");
        InputValidation.CheckOutput(o.StartLogits, tokens, nameof(o.StartLogits), HasQuestionAnswering, "qa_outputs");
        InputValidation.CheckOutput(o.EndLogits, tokens, nameof(o.EndLogits), HasQuestionAnswering, "qa_outputs");
    }

    private static void CheckConfig(BertConfig c)
    {
        static void Fail(string field, string problem) => throw new BertFormatException("config.json", field, problem);
        if (c.HiddenSize <= 0 || c.NumAttentionHeads <= 0 || c.HiddenSize % c.NumAttentionHeads != 0)
            Fail("num_attention_heads", $"hidden_size {c.HiddenSize} must be a positive multiple of num_attention_heads {c.NumAttentionHeads}.");
        if (c.NumHiddenLayers < 0) Fail("num_hidden_layers", "must not be negative.");
        if (c.IntermediateSize <= 0 || c.VocabSize <= 0 || c.MaxPositionEmbeddings <= 0 || c.TypeVocabSize <= 0)
            Fail("intermediate_size", "intermediate_size, vocab_size, max_position_embeddings and type_vocab_size must be positive.");
        if (c.PositionEmbeddingType != "absolute")
            Fail("position_embedding_type", $"'{c.PositionEmbeddingType}' is not supported; only 'absolute' is.");
        HiddenActivation.Parse(c.HiddenAct);
    }
}
