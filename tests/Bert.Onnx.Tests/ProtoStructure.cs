namespace Bert.Onnx.Tests;

/// <summary>
/// Offsets of the structural bytes of a protobuf message (keys, length prefixes, varint values, and the bytes of
/// short length-delimited fields that do not parse as messages, i.e. strings), found by a generic walk that treats
/// every length-delimited field that parses completely as a nested message. Long opaque payloads (weights) are skipped.
/// </summary>
internal static class ProtoStructure
{
    public static IReadOnlyList<int> Offsets(byte[] bytes)
    {
        var offsets = new List<int>();
        Walk(bytes, 0, bytes.Length, offsets, depth: 0);
        return offsets;
    }

    private static bool Walk(byte[] b, int start, int end, List<int> offsets, int depth)
    {
        var found = new List<int>();
        int p = start;
        while (p < end)
        {
            int keyStart = p;
            if (!TryVarint(b, ref p, end, out ulong key) || key >> 3 == 0) return false;
            Mark(found, keyStart, p);
            switch ((int)(key & 7))
            {
                case 0:
                    int valueStart = p;
                    if (!TryVarint(b, ref p, end, out _)) return false;
                    Mark(found, valueStart, p);
                    break;
                case 1: if ((p += 8) > end) return false; break;
                case 5: if ((p += 4) > end) return false; break;
                case 2:
                    int lengthStart = p;
                    if (!TryVarint(b, ref p, end, out ulong length) || length > (ulong)(end - p)) return false;
                    Mark(found, lengthStart, p);
                    int payload = p;
                    p += (int)length;
                    if (length == 0 || depth > 8) break;
                    var nested = new List<int>();
                    if (Walk(b, payload, p, nested, depth + 1)) found.AddRange(nested);
                    else if (length <= 64) Mark(found, payload, p); // a name or other short string
                    break;
                default: return false;
            }
        }
        offsets.AddRange(found);
        return true;
    }

    private static void Mark(List<int> into, int from, int to)
    {
        for (int i = from; i < to; i++) into.Add(i);
    }

    private static bool TryVarint(byte[] b, ref int p, int end, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && p < end; shift += 7)
        {
            byte x = b[p++];
            value |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80) return true;
        }
        return false;
    }
}
