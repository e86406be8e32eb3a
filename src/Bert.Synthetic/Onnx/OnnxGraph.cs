namespace Bert.Synthetic.Onnx;

/// <summary>
/// An ONNX graph under construction: nodes in topological order, small constant initializers kept in memory,
/// and large F32 weights that are only declared here (name, shape) and streamed later by <see cref="OnnxModelWriter"/>.
/// Field numbers are those of onnx/onnx.proto (NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto).
/// </summary>
internal sealed class OnnxGraph
{
    public const int FloatType = 1, Int64Type = 7; // TensorProto.DataType

    private int _next;

    public List<ProtoBuffer> Nodes { get; } = [];
    public List<ProtoBuffer> Constants { get; } = [];
    public List<ProtoBuffer> Inputs { get; } = [];
    public List<ProtoBuffer> Outputs { get; } = [];
    public List<(string Name, int[] Shape)> Weights { get; } = [];

    /// <summary>Adds a node <paramref name="op"/> and returns its (first) output name.</summary>
    public string Node(string op, string[] inputs, string? output = null, params ProtoBuffer[] attributes)
    {
        output ??= $"{op}_{_next++}";
        var node = new ProtoBuffer();
        foreach (var input in inputs) node.String(1, input);
        node.String(2, output);
        node.String(3, $"{op}_node_{Nodes.Count}");
        node.String(4, op);
        foreach (var attribute in attributes) node.Message(5, attribute);
        Nodes.Add(node);
        return output;
    }

    /// <summary>Declares a weight initializer (F32, raw_data) that the model writer will stream.</summary>
    public string Weight(string name, params int[] shape)
    {
        if (!Weights.Exists(w => w.Name == name)) Weights.Add((name, shape));
        return name;
    }

    /// <summary>A constant int64 initializer; an empty <paramref name="dims"/> makes a scalar.</summary>
    public string Int64Constant(long[] values, long[] dims)
    {
        string name = $"const_{_next++}";
        var tensor = new ProtoBuffer();
        foreach (var d in dims) tensor.Int64(1, d);
        tensor.Int64(2, Int64Type);
        tensor.String(8, name);
        var raw = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(raw.AsSpan(8 * i), values[i]);
        tensor.Bytes(9, raw);
        Constants.Add(tensor);
        return name;
    }

    /// <summary>A scalar F32 constant initializer.</summary>
    public string FloatScalar(float value)
    {
        string name = $"const_{_next++}";
        var tensor = new ProtoBuffer().Int64(2, FloatType).String(8, name);
        tensor.Bytes(9, BitConverter.GetBytes(value));
        Constants.Add(tensor);
        return name;
    }

    /// <summary>Declares a graph input or output: element type and dims (a string is a symbolic dim_param, an int a dim_value).</summary>
    public void Input(string name, int elemType, params object[] dims) => Inputs.Add(ValueInfo(name, elemType, dims));

    /// <inheritdoc cref="Input"/>
    public void Output(string name, int elemType, params object[] dims) => Outputs.Add(ValueInfo(name, elemType, dims));

    public static ProtoBuffer IntAttribute(string name, long value) => new ProtoBuffer().String(1, name).Int64(20, 2).Int64(3, value);

    public static ProtoBuffer FloatAttribute(string name, float value) => new ProtoBuffer().String(1, name).Int64(20, 1).Float(2, value);

    public static ProtoBuffer IntsAttribute(string name, params long[] values)
    {
        var attribute = new ProtoBuffer().String(1, name).Int64(20, 7);
        foreach (var v in values) attribute.Int64(8, v);
        return attribute;
    }

    // ValueInfoProto{name=1, type=2}; TypeProto{tensor_type=1}; Tensor{elem_type=1, shape=2}; TensorShapeProto{dim=1};
    // Dimension{dim_value=1, dim_param=2}.
    private static ProtoBuffer ValueInfo(string name, int elemType, object[] dims)
    {
        var shape = new ProtoBuffer();
        foreach (var dim in dims)
        {
            var d = dim is string param ? new ProtoBuffer().String(2, param) : new ProtoBuffer().Int64(1, Convert.ToInt64(dim));
            shape.Message(1, d);
        }
        var tensorType = new ProtoBuffer().Int64(1, elemType).Message(2, shape);
        var type = new ProtoBuffer().Message(1, tensorType);
        return new ProtoBuffer().String(1, name).Message(2, type);
    }
}
