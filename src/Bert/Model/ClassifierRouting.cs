namespace Bert.Model;

/// <summary>Which inputs the <c>classifier</c> weights were trained on: the pooled [CLS] vector, every token, or (unknown class) either.</summary>
[Flags]
internal enum ClassifierUse
{
    None = 0,
    Sequence = 1,
    Token = 2,
}

/// <summary>
/// Decides what the shared tensor name <c>classifier</c> means. transformers saves both BertForSequenceClassification
/// (classifier on pooler_output) and BertForTokenClassification (classifier on last_hidden_state) under that name, so the
/// weights alone cannot tell them apart; config.json <c>architectures</c> can.
/// </summary>
internal static class ClassifierRouting
{
    private const string SequenceClass = "BertForSequenceClassification", TokenClass = "BertForTokenClassification";

    /// <summary>
    /// The uses of the classifier: Sequence when <paramref name="architectures"/> names BertForSequenceClassification (and
    /// the pooler is present), Token when it names BertForTokenClassification; when it names neither (empty, BertModel, a
    /// foreign class), what the weights allow, as transformers would load either class from them: Token, plus Sequence if the
    /// pooler is present.
    /// </summary>
    public static ClassifierUse Decide(IReadOnlyList<string> architectures, bool hasPooler, bool hasClassifier)
    {
        if (!hasClassifier) return ClassifierUse.None;
        bool sequence = architectures.Contains(SequenceClass), token = architectures.Contains(TokenClass);
        if (!sequence && !token) return ClassifierUse.Token | (hasPooler ? ClassifierUse.Sequence : ClassifierUse.None);
        return (sequence && hasPooler ? ClassifierUse.Sequence : ClassifierUse.None) | (token ? ClassifierUse.Token : ClassifierUse.None);
    }
}
