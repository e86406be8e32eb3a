namespace Bert.Pipelines;

/// <summary>
/// Cross-encoder reranking (sentence-transformers' <c>CrossEncoder.rank</c>): each (query, document) pair as
/// <c>[CLS] query [SEP] document [SEP]</c> → the 1-label sequence classifier's logit → activation → sorted.
/// </summary>
internal static class RerankPipeline
{
    public static BertRerankResult[] Run(BertModel model, string query, IReadOnlyList<string> documents, RerankOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        TaskInputs.RequireHeads(model, BertHeads.SequenceClassification, "Rerank",
            "a cross-encoder (BertForSequenceClassification with one label: pooler.dense and classifier)");
        if (model.NumLabels != 1)
            throw new InvalidOperationException($"Rerank needs a cross-encoder with one label; this classifier has {model.NumLabels} labels. Use Classify with text pairs instead.");
        var activation = ResolveActivation(options.Activation, model.Config.CrossEncoderActivationFunction);
        var encodings = TaskInputs.Encode(model, [.. documents.Select(d => (query, (string?)d))], options, nameof(documents));
        var logits = PackedBatches.RunSequenceHead(model, encodings, 1, nextSentence: false, options.MaxBatchTokens, cancellationToken);
        return Postprocess(logits, activation, options.ReturnDocuments ? documents : null, options.TopK);
    }

    /// <summary>
    /// The activation sentence-transformers' CrossEncoder applies: the requested one unless Default; else the configured
    /// class (<c>…Sigmoid</c> → Sigmoid, <c>…Identity</c> → None); else Sigmoid (its default for one label).
    /// </summary>
    /// <exception cref="InvalidOperationException">The configured activation is neither Sigmoid nor Identity.</exception>
    public static ClassificationFunction ResolveActivation(ClassificationFunction requested, string? configured)
    {
        if (requested != ClassificationFunction.Default) return requested;
        if (configured is null) return ClassificationFunction.Sigmoid;
        string name = configured[(configured.LastIndexOf('.') + 1)..];
        return name switch
        {
            "Sigmoid" => ClassificationFunction.Sigmoid,
            "Identity" => ClassificationFunction.None,
            _ => throw new InvalidOperationException(
                $"config.json sentence_transformers.activation_fn '{configured}' is not supported (Sigmoid or Identity); set RerankOptions.Activation explicitly."),
        };
    }

    // logits: [N] one per document
    /// <summary>
    /// s_i = f(z_i); documents sorted by z highest first, ties in input order; cut to <paramref name="topK"/>. Sorting by the
    /// logit gives sentence-transformers' order (f is increasing) except where float32 sigmoid saturates to 1 and it would tie.
    /// </summary>
    public static BertRerankResult[] Postprocess(ReadOnlySpan<float> logits, ClassificationFunction activation, IReadOnlyList<string>? documents, int? topK)
    {
        var scores = new float[logits.Length];
        ClassificationRules.Apply(activation, logits, scores);
        var z = logits.ToArray();
        return [.. ClassificationRules.Rank(z, topK).Select(i => new BertRerankResult(i, scores[i], z[i], documents?[i]))];
    }
}
