using Bert.Onnx.Graph;

namespace Bert.Onnx.Recognition;

/// <summary>
/// Recognises BERT self-attention from the three projections of a hidden state: each projection is followed through
/// its head split (Reshape to <c>[b, s, heads, d]</c>, Transpose) to the MatMul it feeds. The projections meeting at
/// <c>scores = Q·Kᵀ</c> are the query (left operand) and key (right); the third meets <c>Softmax(scores)·V</c>. Scalar
/// Mul/Div on the way (on Q, K or the scores) must multiply to 1/√d, the only scale BERT uses.
/// </summary>
internal static class AttentionMatcher
{
    private sealed record Trace(OnnxNode MatMul, int Operand, double Scale, int? Heads);

    public sealed record Result(LinearMatch Query, LinearMatch Key, LinearMatch Value, int Heads, string Context);

    /// <summary>The attention over the three H→H projections of a layer input; null when they do not form one.</summary>
    public static Result? Match(GraphIndex g, IReadOnlyList<LinearMatch> projections, int hidden)
    {
        var traces = projections.Select(p => Follow(g, p.Output, hidden)).ToList();
        if (traces.Any(t => t is null)) return null;
        int qi = -1, ki = -1;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                if (i != j && traces[i]!.MatMul == traces[j]!.MatMul && traces[i]!.Operand == 0 && traces[j]!.Operand == 1) (qi, ki) = (i, j);
        if (qi < 0) return null;
        int vi = 3 - qi - ki;
        var (q, k, v) = (traces[qi]!, traces[ki]!, traces[vi]!);
        if (v.Operand != 1) return null;

        int heads = q.Heads ?? k.Heads ?? v.Heads ?? 0;
        if (heads <= 0 || hidden % heads != 0)
            throw g.Error(projections[qi].Bias.Name, "the number of attention heads could not be read from the Reshape that splits the query into heads");
        double scale = q.Scale * k.Scale * ScoresScale(g, q.MatMul, v.MatMul, out bool reachesSoftmax);
        if (!reachesSoftmax) return null;
        double expected = 1 / Math.Sqrt(hidden / heads);
        if (Math.Abs(scale - expected) > 1e-5 * expected)
            throw g.Error(projections[qi].Bias.Name, $"the attention scores are scaled by {scale:G6}, not 1/√{hidden / heads} = {expected:G6} as in BERT with {heads} heads");
        return new Result(projections[qi], projections[ki], projections[vi], heads, v.MatMul.Outputs[0]);
    }

    // Projection output → (views, scalar Mul/Div) → the first MatMul; records the head count seen in a Reshape.
    private static Trace? Follow(GraphIndex g, string tensor, int hidden)
    {
        double scale = 1;
        int? heads = null;
        for (int hops = 0; hops < 12; hops++)
        {
            var consumers = g.Consumers(tensor).ToList();
            if (consumers is not [var node]) return null;
            if (node.OpType == "MatMul") return new Trace(node, node.Input(0) == tensor ? 0 : 1, scale, heads);
            if (node.OpType == "Reshape") heads ??= HeadsOf(g, node.Input(1), hidden);
            if (node.OpType is "Mul" or "Div")
            {
                double? factor = g.Scalar(GraphIndex.Other(node, tensor) ?? "");
                if (factor is null || node.OpType == "Div" && node.Input(0) != tensor) return null;
                scale = node.OpType == "Mul" ? scale * factor.Value : scale / factor.Value;
            }
            else if (!GraphIndex.IsView(node)) return null;
            tensor = node.Outputs[0];
        }
        return null;
    }

    // scores → (Mul/Div by a scalar, Add mask)* → Softmax → (views)* → the context MatMul.
    private static double ScoresScale(GraphIndex g, OnnxNode scores, OnnxNode context, out bool reachesContext)
    {
        double scale = 1;
        string tensor = scores.Outputs[0];
        reachesContext = false;
        for (int hops = 0; hops < 8; hops++)
        {
            var consumers = g.Consumers(tensor).ToList();
            if (consumers is not [var node]) return scale;
            if (node.OpType == "Softmax")
            {
                if (node.Int("axis", -1) is not (-1 or 3)) return scale;
                reachesContext = g.SkipViews(node.Outputs[0]) is var probs && g.Consumers(probs).Contains(context) && context.Input(0) == probs;
                return scale;
            }
            if (node.OpType is "Mul" or "Div" && g.Scalar(GraphIndex.Other(node, tensor) ?? "") is double factor)
                scale = node.OpType == "Mul" ? scale * factor : scale / factor;
            else if (node.OpType != "Add" && !GraphIndex.IsView(node)) return scale;
            tensor = node.Outputs[0];
        }
        return scale;
    }

    // [b, s, heads, d] as one constant (0/-1 allowed for b, s and one of heads/d) or as Concat(b, s, [heads], [d]).
    private static int? HeadsOf(GraphIndex g, string shape, int hidden)
    {
        long a, b;
        if (g.Ints(shape) is [_, _, var x, var y]) (a, b) = (x, y);
        else if (g.Producer(shape) is { OpType: "Concat", Inputs.Count: 4 } concat && g.Ints(concat.Input(2)) is [var c2] && g.Ints(concat.Input(3)) is [var c3]) (a, b) = (c2, c3);
        else return null;
        if (a == -1 && b > 0) a = hidden / b;
        if (b == -1 && a > 0) b = hidden / a;
        return a > 0 && a * b == hidden ? (int)a : null;
    }
}
