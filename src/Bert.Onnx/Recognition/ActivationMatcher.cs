using Bert.Onnx.Graph;

namespace Bert.Onnx.Recognition;

/// <summary>
/// Names the activation between a feed-forward layer's two Linears from the operators between them (transformers'
/// ACT2FN): <c>gelu</c> = x·½(1 + erf(x/√2)) (an <c>Erf</c>, or opset-20 <c>Gelu</c>), <c>gelu_new</c> =
/// ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (a <c>Tanh</c> with those constants, or <c>Gelu(approximate="tanh")</c>),
/// <c>relu</c>. transformers' <c>gelu_new</c> and <c>gelu_pytorch_tanh</c> are the same function and cannot be told
/// apart in a graph; <c>gelu_new</c> is written.
/// </summary>
internal static class ActivationMatcher
{
    private const int MaxNodes = 24;

    /// <summary>The hidden_act between <paramref name="u"/> (first Linear's output) and the Linear with
    /// <paramref name="inFeatures"/> → <paramref name="outFeatures"/> that follows it, and that Linear.</summary>
    public static (string Activation, LinearMatch Next) Match(GraphIndex g, string u, int inFeatures, int outFeatures, string where)
    {
        var queue = new Queue<string>([u]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { u };
        for (int steps = 0; steps < MaxNodes && queue.Count > 0; steps++)
        {
            string t = queue.Dequeue();
            if (t != u && LinearMatcher.From(g, t).FirstOrDefault(l => l.In == inFeatures && l.Out == outFeatures) is { } next)
                return (Between(g, u, t, where), next);
            foreach (var node in g.Consumers(t))
                foreach (var output in node.Outputs)
                    if (seen.Add(output)) queue.Enqueue(output);
        }
        throw g.Error(where, $"no Linear {inFeatures} → {outFeatures} follows the activation");
    }

    /// <summary>The hidden_act computed from <paramref name="u"/> to <paramref name="end"/>.</summary>
    public static string Between(GraphIndex g, string u, string end, string where)
    {
        var nodes = new List<OnnxNode>();
        var queue = new Queue<string>([u]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { u };
        while (queue.Count > 0 && nodes.Count < MaxNodes)
        {
            string t = queue.Dequeue();
            if (t == end) continue;
            foreach (var node in g.Consumers(t))
            {
                if (!nodes.Contains(node)) nodes.Add(node);
                foreach (var output in node.Outputs)
                    if (seen.Add(output)) queue.Enqueue(output);
            }
        }
        var ops = nodes.Where(n => !GraphIndex.IsView(n)).Select(n => n.OpType).ToHashSet();
        return Name(g, nodes, ops)
            ?? throw g.Error(where, $"the activation made of {{{string.Join(", ", ops.Order())}}} is not one this library runs (gelu, gelu_new, relu)");
    }

    private static string? Name(GraphIndex g, List<OnnxNode> nodes, HashSet<string> ops)
    {
        if (ops.SetEquals(["Relu"])) return "relu";
        if (ops.SetEquals(["Gelu"]))
            return nodes.First(n => n.OpType == "Gelu").Text("approximate") is null or "none" ? "gelu" : "gelu_new";
        if (ops.Contains("Erf") && ops.IsSubsetOf(["Erf", "Div", "Mul", "Add"]) && HasConstant(g, nodes, Math.Sqrt(2), 1 / Math.Sqrt(2)))
            return "gelu";
        if (ops.Contains("Tanh") && ops.IsSubsetOf(["Tanh", "Mul", "Pow", "Add"]) && HasConstant(g, nodes, 0.044715) && HasConstant(g, nodes, Math.Sqrt(2 / Math.PI)))
            return "gelu_new";
        return null;
    }

    private static bool HasConstant(GraphIndex g, List<OnnxNode> nodes, params double[] values) =>
        nodes.SelectMany(n => n.Inputs).Select(g.Scalar).Any(c => c is double v && values.Any(x => Math.Abs(v - x) <= 1e-6 * x));
}
