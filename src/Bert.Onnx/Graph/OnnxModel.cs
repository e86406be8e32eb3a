namespace Bert.Onnx.Graph;

/// <summary>The parts of an ONNX <c>ModelProto</c> the importer reads (onnx/onnx.proto field numbers in comments).</summary>
/// <param name="IrVersion"><c>ir_version</c> (1).</param>
/// <param name="Producer"><c>producer_name</c> (2) and <c>producer_version</c> (3), e.g. <c>pytorch 2.2.1</c>.</param>
/// <param name="Opsets"><c>opset_import</c> (8): domain ("" for ai.onnx) → version.</param>
/// <param name="Graph"><c>graph</c> (7).</param>
internal sealed record OnnxModel(long IrVersion, string Producer, IReadOnlyDictionary<string, long> Opsets, OnnxGraph Graph);

/// <summary><c>GraphProto</c>: <c>node</c> (1) in topological order, <c>initializer</c> (5), <c>input</c> (11), <c>output</c> (12).</summary>
internal sealed record OnnxGraph(
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyDictionary<string, OnnxTensor> Initializers,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs);

/// <summary><c>NodeProto</c>: <c>input</c> (1), <c>output</c> (2), <c>name</c> (3), <c>op_type</c> (4), <c>attribute</c> (5), <c>domain</c> (7).</summary>
internal sealed record OnnxNode(
    string OpType,
    string Domain,
    string Name,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    /// <summary>Input <paramref name="i"/>, or "" when absent (ONNX spells an omitted optional input as "").</summary>
    public string Input(int i) => i < Inputs.Count ? Inputs[i] : "";

    public long Int(string name, long fallback) => Attributes.TryGetValue(name, out var a) && a.Int is long v ? v : fallback;

    public float Float(string name, float fallback) => Attributes.TryGetValue(name, out var a) && a.Float is float v ? v : fallback;

    public string? Text(string name) => Attributes.TryGetValue(name, out var a) ? a.Text : null;

    public IReadOnlyList<long>? Ints(string name) => Attributes.TryGetValue(name, out var a) ? a.Ints : null;

    public override string ToString() => $"{OpType} '{Name}'";
}

/// <summary><c>AttributeProto</c>: <c>name</c> (1), <c>f</c> (2), <c>i</c> (3), <c>s</c> (4), <c>t</c> (5), <c>floats</c> (7), <c>ints</c> (8).
/// Strings and sub-graphs are not needed and skipped.</summary>
internal sealed record OnnxAttribute(string Name, float? Float, long? Int, string? Text, OnnxTensor? Tensor, IReadOnlyList<long> Ints, IReadOnlyList<float> Floats);

/// <summary><c>ValueInfoProto</c> of a graph input or output: name and, when declared, the element type.</summary>
internal sealed record OnnxValueInfo(string Name, int ElementType);

/// <summary>Where the bytes of an external tensor live (<c>external_data</c> (13) keys <c>location</c>, <c>offset</c>, <c>length</c>).</summary>
internal sealed record OnnxExternalData(string Location, long Offset, long? Length);

/// <summary>
/// <c>TensorProto</c>: <c>dims</c> (1), <c>data_type</c> (2), <c>float_data</c> (4), <c>int32_data</c> (5),
/// <c>int64_data</c> (7), <c>name</c> (8), <c>raw_data</c> (9), <c>double_data</c> (10), <c>external_data</c> (13),
/// <c>data_location</c> (14). Raw bytes are not copied: <see cref="RawOffset"/>/<see cref="RawLength"/> locate them in the model file.
/// </summary>
internal sealed class OnnxTensor
{
    public const int Float32 = 1, Int32 = 6, Int64 = 7, Float16 = 10, Float64 = 11, BFloat16 = 16;

    public string Name { get; init; } = "";
    public IReadOnlyList<long> Dims { get; init; } = [];
    public int DataType { get; init; }
    public long RawOffset { get; init; } = -1;
    public long RawLength { get; init; }
    public IReadOnlyList<float> FloatData { get; init; } = [];
    public IReadOnlyList<long> IntData { get; init; } = []; // int32_data and int64_data (also F16/BF16 bits in int32_data)
    public IReadOnlyList<double> DoubleData { get; init; } = [];
    public OnnxExternalData? External { get; init; }

    /// <summary>Number of elements: the product of <see cref="Dims"/> (1 for a scalar).</summary>
    public long ElementCount => Dims.Aggregate(1L, (a, d) => d < 0 ? -1 : checked(a * d));

    public string ShapeText => "[" + string.Join(", ", Dims) + "]";
}
