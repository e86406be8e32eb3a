namespace Bert;

/// <summary>Which optional modules a loaded checkpoint has weights for (HF names in parentheses).</summary>
[Flags]
public enum BertHeads
{
    /// <summary>Only the encoder.</summary>
    None = 0,

    /// <summary>BertPooler (<c>pooler.dense</c>): enables <see cref="BertOutputs.PoolerOutput"/>.</summary>
    Pooler = 1,

    /// <summary>BertLMPredictionHead (<c>cls.predictions</c>): enables <see cref="BertOutputs.PredictionLogits"/>.</summary>
    MaskedLM = 2,

    /// <summary>Next-sentence head (<c>cls.seq_relationship</c>): with the pooler, enables <see cref="BertOutputs.SeqRelationshipLogits"/>.</summary>
    NextSentencePrediction = 4,

    /// <summary>
    /// Classifier weights (<c>classifier</c>) are present. Whether they classify sequences or tokens is told by
    /// <see cref="SequenceClassification"/> and <see cref="TokenClassification"/>.
    /// </summary>
    Classifier = 8,

    /// <summary>Span head (<c>qa_outputs</c>): enables <see cref="BertOutputs.StartLogits"/> and <see cref="BertOutputs.EndLogits"/>.</summary>
    QuestionAnswering = 16,

    /// <summary>
    /// The classifier is a sequence classifier on the pooler (BertForSequenceClassification): enables
    /// <see cref="BertOutputs.SequenceClassificationLogits"/> and <see cref="BertModel.Classify(string, Pipelines.TextClassificationOptions?)"/>.
    /// Decided by config.json <c>architectures</c>; when it names no BERT task class, by the weights (classifier and pooler present).
    /// </summary>
    SequenceClassification = 32,

    /// <summary>
    /// The classifier labels tokens (BertForTokenClassification): enables <see cref="BertOutputs.TokenClassificationLogits"/>.
    /// Decided by config.json <c>architectures</c>; when it names no BERT task class, by the weights (classifier present).
    /// </summary>
    TokenClassification = 64,
}
