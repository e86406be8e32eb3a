namespace Bert.Pipelines;

/// <summary>Next-sentence prediction: <c>[CLS] A [SEP] B [SEP]</c> → seq_relationship logits z → P(B follows A) = softmax(z)[0].</summary>
internal static class NextSentencePipeline
{
    public static float[] Run(BertModel model, IReadOnlyList<(string First, string Second)> pairs, PipelineOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        TaskInputs.RequireHeads(model, BertHeads.Pooler | BertHeads.NextSentencePrediction, "NextSentenceProbability",
            "the next-sentence head (BertForNextSentencePrediction or BertForPreTraining: pooler.dense and cls.seq_relationship)");
        var encodings = TaskInputs.Encode(model, [.. pairs.Select(p => (p.First, (string?)p.Second))], options, nameof(pairs));
        var logits = PackedBatches.RunSequenceHead(model, encodings, 2, nextSentence: true, options.MaxBatchTokens, cancellationToken);
        return Postprocess(logits);
    }

    // logits: [B, 2] (index 0 = "B follows A", HF's label 0); returns [B]
    /// <summary>p_b = softmax(z_b)[0] = 1 / (1 + exp(z_b1 − z_b0)) for each row.</summary>
    public static float[] Postprocess(ReadOnlySpan<float> logits)
    {
        if (logits.Length % 2 != 0) throw new ArgumentException($"{logits.Length} logits are not rows of 2.", nameof(logits));
        var probabilities = new float[logits.Length / 2];
        var row = new float[2];
        for (int b = 0; b < probabilities.Length; b++)
        {
            ClassificationRules.Apply(ClassificationFunction.Softmax, logits.Slice(2 * b, 2), row);
            probabilities[b] = row[0];
        }
        return probabilities;
    }
}
