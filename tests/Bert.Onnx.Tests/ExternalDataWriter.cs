namespace Bert.Onnx.Tests;

/// <summary>
/// Test helper: rewrites an ONNX model so that every initializer of more than <c>minBytes</c> keeps its bytes in a
/// separate data file, as <c>onnx.save_model(..., save_as_external_data=True)</c> does: <c>raw_data</c> (TensorProto
/// field 9) is dropped and <c>external_data</c> (13) entries <c>location</c>/<c>offset</c>/<c>length</c> plus
/// <c>data_location</c> (14) = EXTERNAL are added. A plain protobuf re-encoder: ModelProto.graph (7) → GraphProto.initializer (5).
/// </summary>
internal static class ExternalDataWriter
{
    public static void Write(string model, string output, string dataFile, string location, int minBytes = 1024)
    {
        using var data = File.Create(dataFile);
        File.WriteAllBytes(output, Rewrite(File.ReadAllBytes(model), 7, graph => Rewrite(graph, 5, tensor => Externalize(tensor, data, location, minBytes))));
    }

    private static byte[] Externalize(byte[] tensor, Stream data, string location, int minBytes)
    {
        var fields = Fields(tensor).ToList();
        var raw = fields.FirstOrDefault(f => f.Field == 9);
        if (raw.Payload is null || raw.Payload.Length < minBytes) return tensor;
        long offset = data.Position;
        data.Write(raw.Payload);
        var result = new MemoryStream();
        foreach (var f in fields.Where(f => f.Field != 9)) result.Write(f.Bytes);
        foreach (var (key, value) in new[] { ("location", location), ("offset", offset.ToString()), ("length", raw.Payload.Length.ToString()) })
            Delimited(result, 13, [.. Delimited(1, System.Text.Encoding.UTF8.GetBytes(key)), .. Delimited(2, System.Text.Encoding.UTF8.GetBytes(value))]);
        Varint(result, 14 << 3);
        Varint(result, 1);
        return result.ToArray();
    }

    // Copies every field of a message, passing the payload of each length-delimited field number `field` through `rewrite`.
    private static byte[] Rewrite(byte[] message, int field, Func<byte[], byte[]> rewrite)
    {
        var result = new MemoryStream();
        foreach (var f in Fields(message))
        {
            if (f.Field == field && f.Payload is not null) Delimited(result, field, rewrite(f.Payload));
            else result.Write(f.Bytes);
        }
        return result.ToArray();
    }

    private static IEnumerable<(int Field, byte[] Bytes, byte[]? Payload)> Fields(byte[] m)
    {
        int p = 0;
        while (p < m.Length)
        {
            int start = p;
            ulong key = ReadVarint(m, ref p);
            int wire = (int)(key & 7);
            byte[]? payload = null;
            switch (wire)
            {
                case 0: ReadVarint(m, ref p); break;
                case 1: p += 8; break;
                case 5: p += 4; break;
                case 2:
                    int length = (int)ReadVarint(m, ref p);
                    payload = m[p..(p + length)];
                    p += length;
                    break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
            yield return ((int)(key >> 3), m[start..p], payload);
        }
    }

    private static ulong ReadVarint(byte[] m, ref int p)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = m[p++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }

    private static byte[] Delimited(int field, byte[] payload)
    {
        var s = new MemoryStream();
        Delimited(s, field, payload);
        return s.ToArray();
    }

    private static void Delimited(Stream s, int field, byte[] payload)
    {
        Varint(s, ((ulong)field << 3) | 2);
        Varint(s, (ulong)payload.Length);
        s.Write(payload);
    }

    private static void Varint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        s.WriteByte((byte)value);
    }
}
