using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Bert.Synthetic.Onnx;

/// <summary>
/// A minimal protobuf encoder (wire format: varint keys <c>field &lt;&lt; 3 | wire type</c>; wire type 0 varint,
/// 2 length-delimited, 5 fixed32) into a growable buffer. Enough for the ONNX messages this project writes.
/// Repeated scalars are written unpacked, which every proto2/proto3 parser accepts.
/// </summary>
internal sealed class ProtoBuffer
{
    private readonly ArrayBufferWriter<byte> _bytes = new();

    public ReadOnlySpan<byte> Written => _bytes.WrittenSpan;

    public int Length => _bytes.WrittenCount;

    public ProtoBuffer Int64(int field, long value)
    {
        Tag(field, 0);
        Varint((ulong)value);
        return this;
    }

    public ProtoBuffer Float(int field, float value)
    {
        Tag(field, 5);
        BinaryPrimitives.WriteSingleLittleEndian(_bytes.GetSpan(4), value);
        _bytes.Advance(4);
        return this;
    }

    public ProtoBuffer String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoBuffer Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    public ProtoBuffer Message(int field, ProtoBuffer message) => Bytes(field, message.Written);

    /// <summary>Writes only the key and length of a length-delimited field whose <paramref name="length"/> payload bytes follow.</summary>
    public ProtoBuffer LengthPrefix(int field, long length)
    {
        Tag(field, 2);
        Varint((ulong)length);
        return this;
    }

    /// <summary>Bytes of a length-delimited field with a payload of <paramref name="length"/> bytes.</summary>
    public static long FieldSize(int field, long length) => VarintSize((ulong)field << 3) + VarintSize((ulong)length) + length;

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        var span = _bytes.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _bytes.Advance(n);
    }

    private static int VarintSize(ulong value)
    {
        int n = 1;
        while (value >= 0x80) { value >>= 7; n++; }
        return n;
    }
}
