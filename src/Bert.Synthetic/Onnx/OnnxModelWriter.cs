using System.Runtime.InteropServices;

namespace Bert.Synthetic.Onnx;

/// <summary>
/// Streams an ONNX ModelProto: everything but the weights is encoded up front; the weight initializers
/// (TensorProto with raw_data) are then written one by one as they are produced, so no second copy of the
/// weights is ever held. ModelProto{ir_version=1: 8, opset_import=8: {domain "", version 17}, producer_name=2,
/// graph=7: GraphProto{node=1, name=2, initializer=5, input=11, output=12}}.
/// </summary>
internal sealed class OnnxModelWriter
{
    public const long IrVersion = 8, Opset = 17;

    private readonly Stream _stream;
    private readonly List<(string Name, int[] Shape)> _order;
    private int _next;

    /// <summary>Writes the model up to the first weight; weights must then come in <paramref name="weightOrder"/> order
    /// (which must list each of the graph's weights exactly once).</summary>
    public OnnxModelWriter(Stream stream, OnnxGraph graph, IReadOnlyList<string> weightOrder)
    {
        _stream = stream;
        var shapes = graph.Weights.ToDictionary(w => w.Name, w => w.Shape);
        _order = weightOrder.Where(shapes.ContainsKey).Select(n => (n, shapes[n])).ToList();
        if (_order.Count != shapes.Count) throw new ArgumentException("The weight order does not list every graph weight.");

        var graphHead = new ProtoBuffer();
        foreach (var node in graph.Nodes) graphHead.Message(1, node);
        graphHead.String(2, "bert");
        foreach (var constant in graph.Constants) graphHead.Message(5, constant);
        foreach (var input in graph.Inputs) graphHead.Message(11, input);
        foreach (var output in graph.Outputs) graphHead.Message(12, output);

        long graphLength = graphHead.Length + _order.Sum(w => ProtoBuffer.FieldSize(5, InitializerLength(w.Name, w.Shape)));
        var model = new ProtoBuffer().Int64(1, IrVersion).String(2, "Bert.Synthetic").String(3, "1.0");
        model.Message(8, new ProtoBuffer().String(1, "").Int64(2, Opset));
        model.LengthPrefix(7, graphLength);
        _stream.Write(model.Written);
        _stream.Write(graphHead.Written);
    }

    /// <summary>True once every weight was written.</summary>
    public bool IsComplete => _next == _order.Count;

    /// <summary>Writes the next weight (must be <c>weightOrder[i]</c>) as a TensorProto{dims=1, data_type=2, name=8, raw_data=9}.</summary>
    public void Write(string name, ReadOnlySpan<float> values)
    {
        if (_next >= _order.Count || _order[_next].Name != name)
            throw new InvalidOperationException($"ONNX weight '{name}' written out of order.");
        var (_, shape) = _order[_next++];
        if (values.Length != shape.Aggregate(1L, (a, d) => a * d)) throw new ArgumentException($"'{name}' has the wrong element count.");
        _stream.Write(new ProtoBuffer().LengthPrefix(5, InitializerLength(name, shape)).Written);
        _stream.Write(TensorHead(name, shape).LengthPrefix(9, 4L * values.Length).Written);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("raw_data must be little-endian.");
        _stream.Write(MemoryMarshal.AsBytes(values));
    }

    private static ProtoBuffer TensorHead(string name, int[] shape)
    {
        var head = new ProtoBuffer();
        foreach (var d in shape) head.Int64(1, d);
        return head.Int64(2, OnnxGraph.FloatType).String(8, name);
    }

    private static long InitializerLength(string name, int[] shape) =>
        TensorHead(name, shape).Length + ProtoBuffer.FieldSize(9, 4 * shape.Aggregate(1L, (a, d) => a * d));
}
