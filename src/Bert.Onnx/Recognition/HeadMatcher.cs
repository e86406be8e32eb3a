using Bert.Onnx.Graph;

namespace Bert.Onnx.Recognition;

/// <summary>The task heads on top of the encoder, recognised from what consumes its output.</summary>
internal sealed record HeadsMatch(
    LinearMatch? Pooler,
    LinearMatch? PooledClassifier,   // cls.seq_relationship or classifier on the pooled vector
    bool PooledIsNextSentence,
    LinearMatch? MlmTransform, string? MlmActivation, LayerNormMatch? MlmNorm, LinearMatch? MlmDecoder,
    LinearMatch? TokenClassifier,    // classifier or qa_outputs on every token
    bool TokenIsQuestionAnswering);

/// <summary>
/// Pooler: <c>Gather(h, 0, axis=1)</c> (or a Slice of the first token) → Linear H→H → Tanh. On the pooled vector a
/// Linear H→L is the next-sentence head when its bias is named <c>cls.seq_relationship.*</c> (torch exports keep HF names
/// for biases), else the sequence classifier. Per token: Linear H→H → activation → LayerNorm → Linear H→V is the MLM
/// head; a Linear H→L whose output is split in two (Split, Gather or Slice on the last axis) is question answering,
/// otherwise token classification.
/// </summary>
internal static class HeadMatcher
{
    public static HeadsMatch Match(GraphIndex g, string h, int hidden, int vocab)
    {
        LinearMatch? pooler = null, pooled = null, transform = null, decoder = null, token = null;
        string? activation = null;
        LayerNormMatch? norm = null;
        bool qa = false;
        foreach (var node in g.Consumers(h))
        {
            if (IsFirstToken(g, node, h) && LinearMatcher.From(g, g.SkipViews(node.Outputs[0])) is [var dense] && dense.Out == hidden)
            {
                var tanh = g.Consumers(g.SkipViews(dense.Output)).FirstOrDefault(n => n.OpType == "Tanh");
                if (tanh is null) continue;
                pooler = dense;
                pooled = LinearMatcher.From(g, g.SkipViews(tanh.Outputs[0])).FirstOrDefault();
            }
        }
        foreach (var linear in LinearMatcher.From(g, h))
        {
            string y = g.SkipViews(linear.Output);
            if (linear.Out == hidden && TryMlm(g, y, hidden, vocab) is { } mlm)
                (transform, activation, norm, decoder) = (linear, mlm.Activation, mlm.Norm, mlm.Decoder);
            else
            {
                token = linear;
                qa = linear.Out == 2 && g.Consumers(y).Any(n => n.OpType is "Split" or "Gather" or "Slice");
            }
        }
        bool nsp = pooled is not null && (decoder is not null || pooled.Bias.Name.Contains("seq_relationship", StringComparison.Ordinal)
            || pooled.Weight.Tensor.Name.Contains("seq_relationship", StringComparison.Ordinal));
        return new HeadsMatch(pooler, pooled, nsp, transform, activation, norm, decoder, token, qa);
    }

    private static (string Activation, LayerNormMatch Norm, LinearMatch Decoder)? TryMlm(GraphIndex g, string y, int hidden, int vocab)
    {
        // transform.dense → act → LayerNorm: find the LayerNorm within a few nodes, then the decoder Linear H→V after it.
        var queue = new Queue<string>([y]);
        for (int steps = 0; steps < 16 && queue.Count > 0; steps++)
        {
            string t = queue.Dequeue();
            if (t != y && LayerNormMatcher.Find(g, t) is { } norm && norm.Weight.Dims[0] == hidden)
            {
                var decoder = LinearMatcher.From(g, norm.Output).FirstOrDefault(l => l.In == hidden && l.Out == vocab);
                if (decoder is null) return null;
                string activation = ActivationMatcher.Between(g, y, t, "cls.predictions.transform");
                return (activation, norm, decoder);
            }
            foreach (var node in g.Consumers(t)) queue.Enqueue(node.Outputs[0]);
        }
        return null;
    }

    // Gather(h, 0, axis=1), or Slice(h, [0], [1], axes=[1]) (then squeezed).
    private static bool IsFirstToken(GraphIndex g, OnnxNode node, string h)
    {
        if (node.Input(0) != h) return false;
        if (node.OpType == "Gather") return node.Int("axis", 0) == 1 && g.Ints(node.Input(1)) is [0];
        return node.OpType == "Slice" && g.Ints(node.Input(1)) is [0] && g.Ints(node.Input(2)) is [1] && g.Ints(node.Input(3)) is [1];
    }
}
