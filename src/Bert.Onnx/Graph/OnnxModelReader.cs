using Bert.Onnx.Protobuf;

namespace Bert.Onnx.Graph;

/// <summary>Decodes the ONNX messages the importer needs from the bytes of a model file; everything else is skipped.
/// Sub-graphs (attribute fields <c>g</c>/<c>graphs</c>, used by If/Loop) are skipped, so nesting depth is fixed.</summary>
internal static class OnnxModelReader
{
    public static OnnxModel Read(ReadOnlySpan<byte> file, string path)
    {
        var r = new ProtoReader(file, 0, path, "ModelProto");
        long ir = 0;
        string producer = "", version = "";
        var opsets = new Dictionary<string, long>();
        OnnxGraph? graph = null;
        while (r.HasMore)
        {
            int field = r.ReadKey(out int wire);
            switch (field)
            {
                case 1 when wire == ProtoReader.Varint: ir = r.ReadInt64(); break;
                case 2 when wire == ProtoReader.LengthDelimited: producer = r.ReadString(); break;
                case 3 when wire == ProtoReader.LengthDelimited: version = r.ReadString(); break;
                case 7 when wire == ProtoReader.LengthDelimited: graph = Graph(r.ReadMessage("GraphProto")); break;
                case 8 when wire == ProtoReader.LengthDelimited:
                    var (domain, opset) = Opset(r.ReadMessage("OperatorSetIdProto"));
                    opsets[domain] = opset;
                    break;
                default: r.Skip(wire); break;
            }
        }
        if (graph is null) throw new BertFormatException(path, "ModelProto.graph", "is missing: this is not an ONNX model.");
        return new OnnxModel(ir, $"{producer} {version}".Trim(), opsets, graph);
    }

    private static (string, long) Opset(ProtoReader r)
    {
        string domain = "";
        long version = 0;
        while (r.HasMore)
        {
            int field = r.ReadKey(out int wire);
            if (field == 1 && wire == ProtoReader.LengthDelimited) domain = r.ReadString();
            else if (field == 2 && wire == ProtoReader.Varint) version = r.ReadInt64();
            else r.Skip(wire);
        }
        return (domain == "ai.onnx" ? "" : domain, version);
    }

    private static OnnxGraph Graph(ProtoReader r)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        while (r.HasMore)
        {
            int field = r.ReadKey(out int wire);
            if (wire != ProtoReader.LengthDelimited) { r.Skip(wire); continue; }
            switch (field)
            {
                case 1: nodes.Add(Node(r.ReadMessage("NodeProto"))); break;
                case 5:
                    var tensor = Tensor(r.ReadMessage("TensorProto"));
                    initializers[tensor.Name] = tensor;
                    break;
                case 11: inputs.Add(ValueInfo(r.ReadMessage("ValueInfoProto"))); break;
                case 12: outputs.Add(ValueInfo(r.ReadMessage("ValueInfoProto"))); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxGraph(nodes, initializers, inputs, outputs);
    }

    private static OnnxNode Node(ProtoReader r)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        string op = "", name = "", domain = "";
        while (r.HasMore)
        {
            int field = r.ReadKey(out int wire);
            if (wire != ProtoReader.LengthDelimited) { r.Skip(wire); continue; }
            switch (field)
            {
                case 1: inputs.Add(r.ReadString()); break;
                case 2: outputs.Add(r.ReadString()); break;
                case 3: name = r.ReadString(); break;
                case 4: op = r.ReadString(); break;
                case 5:
                    var attribute = Attribute(r.ReadMessage("AttributeProto"));
                    attributes[attribute.Name] = attribute;
                    break;
                case 7: domain = r.ReadString(); break;
                default: r.Skip(wire); break;
            }
        }
        if (op.Length == 0) throw r.Error("is a node without op_type");
        return new OnnxNode(op, domain == "ai.onnx" ? "" : domain, name, inputs, outputs, attributes);
    }

    private static OnnxAttribute Attribute(ProtoReader r)
    {
        string name = "";
        float? f = null;
        long? i = null;
        OnnxTensor? t = null;
        string? text = null;
        var ints = new List<long>();
        var floats = new List<float>();
        while (r.HasMore)
        {
            int field = r.ReadKey(out int wire);
            switch (field)
            {
                case 1 when wire == ProtoReader.LengthDelimited: name = r.ReadString(); break;
                case 2 when wire == ProtoReader.Fixed32: f = r.ReadFloat(); break;
                case 3 when wire == ProtoReader.Varint: i = r.ReadInt64(); break;
                case 4 when wire == ProtoReader.LengthDelimited: text = r.ReadString(); break;
                case 5 when wire == ProtoReader.LengthDelimited: t = Tensor(r.ReadMessage("TensorProto")); break;
                case 7: r.ReadFloats(wire, floats); break;
                case 8: r.ReadInt64s(wire, ints); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxAttribute(name, f, i, text, t, ints, floats);
    }

    private static OnnxTensor Tensor(ProtoReader r)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        var ints = new List<long>();
        var doubles = new List<double>();
        var external = new Dictionary<string, string>(StringComparer.Ordinal);
        int type = 0;
        string name = "";
        long rawOffset = -1, rawLength = 0, location = 0;
        while (r.HasMore)
        {
            int field = r.ReadKey(out int wire);
            switch (field)
            {
                case 1: r.ReadInt64s(wire, dims); break;
                case 2 when wire == ProtoReader.Varint: type = (int)r.ReadInt64(); break;
                case 4: r.ReadFloats(wire, floats); break;
                case 5 or 7: r.ReadInt64s(wire, ints); break;
                case 8 when wire == ProtoReader.LengthDelimited: name = r.ReadString(); break;
                case 9 when wire == ProtoReader.LengthDelimited:
                    rawLength = r.ReadBytes(out rawOffset).Length;
                    break;
                case 10: r.ReadDoubles(wire, doubles); break;
                case 13 when wire == ProtoReader.LengthDelimited:
                    var (key, value) = Entry(r.ReadMessage("StringStringEntryProto"));
                    external[key] = value;
                    break;
                case 14 when wire == ProtoReader.Varint: location = r.ReadInt64(); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxTensor
        {
            Name = name, Dims = dims, DataType = type, RawOffset = rawOffset, RawLength = rawLength,
            FloatData = floats, IntData = ints, DoubleData = doubles,
            External = location == 1 ? External(name, external, r) : null,
        };
    }

    private static OnnxExternalData External(string tensor, Dictionary<string, string> entries, ProtoReader r)
    {
        if (!entries.TryGetValue("location", out var location) || location.Length == 0)
            throw r.Error($"declares tensor '{tensor}' as external data without a location");
        long offset = entries.TryGetValue("offset", out var o) && long.TryParse(o, out long off) ? off : 0;
        long? length = entries.TryGetValue("length", out var l) && long.TryParse(l, out long len) ? len : null;
        if (offset < 0 || length < 0) throw r.Error($"declares tensor '{tensor}' with a negative external offset or length");
        return new OnnxExternalData(location, offset, length);
    }

    private static (string, string) Entry(ProtoReader r)
    {
        string key = "", value = "";
        while (r.HasMore)
        {
            int field = r.ReadKey(out int wire);
            if (field == 1 && wire == ProtoReader.LengthDelimited) key = r.ReadString();
            else if (field == 2 && wire == ProtoReader.LengthDelimited) value = r.ReadString();
            else r.Skip(wire);
        }
        return (key, value);
    }

    // ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1}}}.
    private static OnnxValueInfo ValueInfo(ProtoReader r)
    {
        string name = "";
        int elementType = 0;
        while (r.HasMore)
        {
            int field = r.ReadKey(out int wire);
            if (field == 1 && wire == ProtoReader.LengthDelimited) name = r.ReadString();
            else if (field == 2 && wire == ProtoReader.LengthDelimited) elementType = ElementType(r.ReadMessage("TypeProto"));
            else r.Skip(wire);
        }
        return new OnnxValueInfo(name, elementType);
    }

    private static int ElementType(ProtoReader type)
    {
        while (type.HasMore)
        {
            int field = type.ReadKey(out int wire);
            if (field != 1 || wire != ProtoReader.LengthDelimited) { type.Skip(wire); continue; }
            var tensor = type.ReadMessage("TypeProto.Tensor");
            while (tensor.HasMore)
            {
                int f = tensor.ReadKey(out int w);
                if (f == 1 && w == ProtoReader.Varint) return (int)tensor.ReadInt64();
                tensor.Skip(w);
            }
        }
        return 0;
    }
}
