namespace Bert.Pipelines;

/// <summary>Text classification: tokenize (pairs as <c>[CLS] A [SEP] B [SEP]</c>) → packed forward of the sequence classifier → <see cref="ClassificationRules"/>.</summary>
internal static class TextClassificationPipeline
{
    public static BertClassification[] Run(BertModel model, IReadOnlyList<(string Text, string? Pair)> inputs, TextClassificationOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        RequireSequenceClassifier(model);
        var encodings = TaskInputs.Encode(model, inputs, options, nameof(inputs));
        int labels = model.NumLabels;
        var logits = PackedBatches.RunSequenceHead(model, encodings, labels, nextSentence: false, options.MaxBatchTokens, cancellationToken);
        var function = ClassificationRules.Resolve(options.FunctionToApply, model.Config.ProblemType, labels);
        var results = new BertClassification[inputs.Count];
        for (int i = 0; i < results.Length; i++)
            results[i] = ClassificationRules.Postprocess(logits.AsSpan(i * labels, labels), function, model.Config.Id2Label, options.TopK);
        return results;
    }

    /// <summary>A sequence classifier is needed: a BertForTokenClassification checkpoint must not answer from its pooler.</summary>
    public static void RequireSequenceClassifier(BertModel model) => TaskInputs.RequireHeads(model, BertHeads.SequenceClassification,
        "Classify", "a sequence classifier (BertForSequenceClassification: pooler.dense and classifier)");
}
