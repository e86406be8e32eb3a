namespace Bert.Server.Inference;

/// <summary>Which endpoints a checkpoint supports, from its heads and <c>architectures</c>.</summary>
/// <param name="Embeddings">Always: every BERT has last_hidden_state.</param>
/// <param name="SequenceClassification">Classifier over the pooler (BertForSequenceClassification): <c>/predict</c>, <c>/rerank</c>.</param>
/// <param name="TokenClassification">Classifier over the tokens (BertForTokenClassification): <c>/ner</c>.</param>
/// <param name="FillMask">MLM head (BertForMaskedLM / BertForPreTraining): <c>/fill-mask</c>.</param>
/// <param name="QuestionAnswering">Span head (BertForQuestionAnswering): <c>/qa</c>.</param>
internal sealed record ModelCapabilities(bool Embeddings, bool SequenceClassification, bool TokenClassification, bool FillMask, bool QuestionAnswering)
{
    /// <summary>From <see cref="BertModel.Heads"/>: the core decides sequence vs token classification by architectures.</summary>
    public static ModelCapabilities Of(BertModel model)
    {
        var heads = model.Heads;
        return new ModelCapabilities(true, heads.HasFlag(BertHeads.SequenceClassification), heads.HasFlag(BertHeads.TokenClassification),
            heads.HasFlag(BertHeads.MaskedLM), heads.HasFlag(BertHeads.QuestionAnswering));
    }

    /// <summary>Names as <c>/info</c> lists them.</summary>
    public IReadOnlyList<string> Names =>
    [
        "embeddings",
        .. SequenceClassification ? new[] { "classification", "rerank" } : [],
        .. TokenClassification ? new[] { "ner" } : [],
        .. FillMask ? new[] { "fill-mask" } : [],
        .. QuestionAnswering ? new[] { "qa" } : [],
    ];
}
