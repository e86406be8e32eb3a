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

    /// <summary>Classifier (<c>classifier</c>): enables <see cref="BertOutputs.TokenClassificationLogits"/>, and with the pooler <see cref="BertOutputs.SequenceClassificationLogits"/>.</summary>
    Classifier = 8,

    /// <summary>Span head (<c>qa_outputs</c>): enables <see cref="BertOutputs.StartLogits"/> and <see cref="BertOutputs.EndLogits"/>.</summary>
    QuestionAnswering = 16,
}
