using Bert.Onnx.Graph;

namespace Bert.Onnx.Recognition;

/// <summary>
/// Finds the LayerNorm applied to a tensor s, either the opset-17 <c>LayerNormalization(s, γ, β)</c> (ε from its
/// <c>epsilon</c> attribute, default 1e-5) or the decomposition torch.onnx emits below opset 17:
/// <c>d = s − ReduceMean(s); y = d / Sqrt(ReduceMean(Pow(d, 2)) + ε) · γ + β</c> (ε from the constant added).
/// </summary>
internal static class LayerNormMatcher
{
    public static LayerNormMatch? Find(GraphIndex g, string s)
    {
        foreach (var node in g.Consumers(s))
        {
            if (node.OpType == "LayerNormalization" && node.Input(0) == s)
            {
                if (node.Int("axis", -1) != -1) return null;
                return Parameters(g, node.Input(1), node.Input(2), node.Float("epsilon", 1e-5f), node.Outputs[0]);
            }
            if (node.OpType == "ReduceMean" && node.Input(0) == s && LastAxis(g, node)) return Decomposed(g, s, node);
        }
        return null;
    }

    private static LayerNormMatch? Decomposed(GraphIndex g, string s, OnnxNode mean)
    {
        var sub = Single(g, mean.Outputs[0], "Sub");
        if (sub is null || sub.Input(0) != s) return null;
        string d = sub.Outputs[0];
        var square = g.Consumers(d).FirstOrDefault(n =>
            n.OpType == "Pow" && n.Input(0) == d && g.Scalar(n.Input(1)) == 2 || n.OpType == "Mul" && n.Input(0) == d && n.Input(1) == d);
        if (square is null) return null;
        var variance = Single(g, square.Outputs[0], "ReduceMean");
        if (variance is null || !LastAxis(g, variance)) return null;
        var plusEps = Single(g, variance.Outputs[0], "Add");
        double? eps = plusEps is null ? null : g.Scalar(GraphIndex.Other(plusEps, variance.Outputs[0]) ?? "");
        if (eps is null) return null;
        var sqrt = Single(g, plusEps!.Outputs[0], "Sqrt");
        var div = sqrt is null ? null : Single(g, sqrt.Outputs[0], "Div");
        if (div is null || div.Input(0) != d) return null;
        var scale = Single(g, div.Outputs[0], "Mul");
        var shift = scale is null ? null : Single(g, scale.Outputs[0], "Add");
        if (shift is null) return null;
        return Parameters(g, GraphIndex.Other(scale!, div.Outputs[0])!, GraphIndex.Other(shift, scale!.Outputs[0])!, (float)eps.Value, shift.Outputs[0]);
    }

    private static LayerNormMatch? Parameters(GraphIndex g, string weight, string bias, float eps, string output)
    {
        var w = g.Initializer(weight);
        var b = g.Initializer(bias);
        if (w is not { Dims.Count: 1 } || b is not { Dims.Count: 1 } || w.Dims[0] != b.Dims[0]) return null;
        return new LayerNormMatch(w, b, eps, output);
    }

    // ReduceMean over the last axis: axes attribute (opset < 18) or second input (opset 18).
    private static bool LastAxis(GraphIndex g, OnnxNode node)
    {
        var axes = node.Ints("axes") ?? (node.Input(1).Length > 0 ? g.Ints(node.Input(1)) : null);
        return axes is [-1] && node.Int("keepdims", 1) == 1;
    }

    private static OnnxNode? Single(GraphIndex g, string tensor, string op)
    {
        var consumers = g.Consumers(tensor).ToList();
        return consumers is [var only] && only.OpType == op ? only : null;
    }
}
