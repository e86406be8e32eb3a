using Bert.Onnx.Graph;

namespace Bert.Onnx.Recognition;

/// <summary>
/// The dataflow of an ONNX graph as lookups: which node produces a tensor, which nodes consume it, and the value of
/// constant tensors (initializers and <c>Constant</c> nodes). Recognition walks this index; it never looks at node names.
/// </summary>
internal sealed class GraphIndex
{
    // Ops that only move or re-view data (plus Dropout/Identity, no-ops at inference): followed transparently.
    private static readonly HashSet<string> ViewOps = ["Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity", "Flatten", "Dropout"];

    private readonly Dictionary<string, OnnxNode> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OnnxNode>> _consumers = new(StringComparer.Ordinal);

    public GraphIndex(OnnxModelFile file)
    {
        File = file;
        Graph = file.Model.Graph;
        foreach (var node in Graph.Nodes)
        {
            if (node.Domain is not ("" or "ai.onnx"))
                throw Error(null, $"contains the {node.Domain} operator {node.OpType}: this export was optimized for ONNX Runtime " +
                    "(fused operators). Import the plain export (optimum-cli export onnx --optimize none, or torch.onnx.export) instead");
            foreach (var output in node.Outputs) _producers[output] = node;
            foreach (var input in node.Inputs)
            {
                if (input.Length == 0) continue;
                if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = [];
                list.Add(node);
            }
        }
    }

    public OnnxModelFile File { get; }

    public OnnxGraph Graph { get; }

    public OnnxNode? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    /// <summary>Nodes that read <paramref name="tensor"/> as data (shape queries excluded).</summary>
    public IEnumerable<OnnxNode> Consumers(string tensor) =>
        _consumers.TryGetValue(tensor, out var list) ? list.Where(n => n.OpType is not ("Shape" or "Size")) : [];

    public bool IsGraphInput(string tensor) => Graph.Inputs.Any(i => i.Name == tensor) && !Graph.Initializers.ContainsKey(tensor);

    /// <summary>The initializer behind <paramref name="tensor"/>, looking through Identity nodes.</summary>
    public OnnxTensor? Initializer(string tensor)
    {
        for (int hops = 0; hops < 4; hops++)
        {
            if (Graph.Initializers.TryGetValue(tensor, out var t)) return t;
            var producer = Producer(tensor);
            if (producer is { OpType: "Constant" } && producer.Attributes.TryGetValue("value", out var value) && value.Tensor is { } constant)
                return constant;
            if (producer is not { OpType: "Identity" }) return null;
            tensor = producer.Input(0);
        }
        return null;
    }

    /// <summary>The value of a one-element floating-point constant, or null.</summary>
    public double? Scalar(string tensor)
    {
        var producer = Producer(tensor);
        if (producer is { OpType: "Constant" } && producer.Float("value_float", float.NaN) is float f && !float.IsNaN(f)) return f;
        var t = Initializer(tensor);
        if (t is null || t.Dims.Any(d => d != 1)) return null;
        return t.DataType switch
        {
            OnnxTensor.Float32 or OnnxTensor.Float16 or OnnxTensor.BFloat16 or OnnxTensor.Float64 => OnnxTensorValues.Floats(File, t)[0],
            OnnxTensor.Int64 or OnnxTensor.Int32 => OnnxTensorValues.Ints(File, t)[0],
            _ => null,
        };
    }

    /// <summary>The values of a small integer constant (a shape, axes or an index), or null.</summary>
    public long[]? Ints(string tensor)
    {
        var producer = Producer(tensor);
        if (producer is { OpType: "Constant" } && producer.Ints("value_ints") is { Count: > 0 } list) return [.. list];
        var t = Initializer(tensor);
        return t is { DataType: OnnxTensor.Int64 or OnnxTensor.Int32 } && t.ElementCount is >= 0 and <= 64 ? OnnxTensorValues.Ints(File, t) : null;
    }

    /// <summary>Follows <paramref name="tensor"/> through a chain of view-only ops with a single data consumer.</summary>
    public string SkipViews(string tensor)
    {
        for (int hops = 0; hops < 8; hops++)
        {
            var next = Consumers(tensor).ToList();
            if (next.Count != 1 || !ViewOps.Contains(next[0].OpType) || next[0].Input(0) != tensor) return tensor;
            tensor = next[0].Outputs[0];
        }
        return tensor;
    }

    /// <summary>Goes back from <paramref name="tensor"/> through view-only ops to the tensor they re-view.</summary>
    public string SkipViewsBack(string tensor)
    {
        for (int hops = 0; hops < 8; hops++)
        {
            var producer = Producer(tensor);
            if (producer is null || !ViewOps.Contains(producer.OpType)) return tensor;
            tensor = producer.Input(0);
        }
        return tensor;
    }

    public static bool IsView(OnnxNode node) => ViewOps.Contains(node.OpType);

    /// <summary>The other operand of a binary node, given one of them; null if <paramref name="operand"/> is not an input.</summary>
    public static string? Other(OnnxNode node, string operand) =>
        node.Input(0) == operand ? node.Input(1) : node.Input(1) == operand ? node.Input(0) : null;

    public BertFormatException Error(string? field, string problem) => new(File.Path, field, problem + ".");
}
