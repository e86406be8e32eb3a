using Bert.Onnx.Graph;

namespace Bert.Onnx.Recognition;

/// <summary>Finds <c>nn.Linear</c> layers fed by a tensor: <c>MatMul(x, W[in,out]) + b</c> (torch.onnx: W is an
/// anonymous <c>onnx::MatMul_N</c> initializer, or a Transpose of the HF <c>[out,in]</c> one) or <c>Gemm(x, W, b)</c>,
/// possibly behind a Reshape that flattens the tokens.</summary>
internal static class LinearMatcher
{
    public static List<LinearMatch> From(GraphIndex g, string x)
    {
        var found = new List<LinearMatch>();
        foreach (var consumer in g.Consumers(x))
        {
            if (consumer.OpType is "Reshape" or "Flatten" && consumer.Input(0) == x)
            {
                foreach (var next in g.Consumers(consumer.Outputs[0]))
                    if (TryMatch(g, next, consumer.Outputs[0]) is { } viaView) found.Add(viaView with { Input = x });
            }
            else if (TryMatch(g, consumer, x) is { } direct) found.Add(direct);
        }
        return found;
    }

    private static LinearMatch? TryMatch(GraphIndex g, OnnxNode node, string x)
    {
        if (node.Input(0) != x) return null;
        if (node.OpType == "Gemm")
        {
            if (node.Int("transA", 0) != 0 || node.Float("alpha", 1f) != 1f || node.Float("beta", 1f) != 1f) return null;
            var gemmWeight = Weight(g, node.Input(1), storedInOut: node.Int("transB", 0) == 0);
            var gemmBias = Bias(g, node.Input(2), gemmWeight);
            return gemmWeight is null || gemmBias is null ? null : new LinearMatch(gemmWeight, gemmBias, x, node.Outputs[0]);
        }
        if (node.OpType != "MatMul") return null;
        var weight = Weight(g, node.Input(1), storedInOut: true);
        if (weight is null) return null;
        var adds = g.Consumers(node.Outputs[0]).ToList();
        if (adds is not [{ OpType: "Add" } add]) return null;
        var bias = Bias(g, GraphIndex.Other(add, node.Outputs[0]) ?? "", weight);
        return bias is null ? null : new LinearMatch(weight, bias, x, add.Outputs[0]);
    }

    // A rank-2 float initializer, or Transpose(perm [1,0]) of one (which flips the stored layout).
    private static WeightRef? Weight(GraphIndex g, string tensor, bool storedInOut)
    {
        if (IsMatrix(g.Initializer(tensor)) is { } direct) return new WeightRef(direct, storedInOut);
        var producer = g.Producer(tensor);
        if (producer is not { OpType: "Transpose" } || producer.Ints("perm") is { } perm && !perm.SequenceEqual([1L, 0L])) return null;
        return IsMatrix(g.Initializer(producer.Input(0))) is { } source ? new WeightRef(source, !storedInOut) : null;
    }

    private static OnnxTensor? IsMatrix(OnnxTensor? t) => t is { Dims.Count: 2 } && IsFloat(t) ? t : null;

    private static OnnxTensor? Bias(GraphIndex g, string tensor, WeightRef? weight)
    {
        if (weight is null || tensor.Length == 0) return null;
        var t = g.Initializer(tensor);
        return t is not null && IsFloat(t) && t.Dims.Count == 1 && t.Dims[0] == weight.Out ? t : null;
    }

    public static bool IsFloat(OnnxTensor t) =>
        t.DataType is OnnxTensor.Float32 or OnnxTensor.Float16 or OnnxTensor.BFloat16 or OnnxTensor.Float64;
}
