using System.Buffers.Binary;
using System.Text;

namespace Bert.Onnx.Protobuf;

/// <summary>
/// A bounds-checked reader of the protobuf wire format over one message's bytes: keys are varints
/// <c>field &lt;&lt; 3 | wire type</c> with wire types 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (3/4, the
/// deprecated groups, are refused). Every length is checked against the bytes that remain before anything is sliced or
/// allocated, so a truncated or hostile file fails with a <see cref="BertFormatException"/> naming the file and the message.
/// </summary>
internal ref struct ProtoReader
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private readonly long _origin; // file offset of _data[0]
    private readonly string _file;
    private readonly string _message;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data, long origin, string file, string message)
    {
        _data = data;
        _origin = origin;
        _file = file;
        _message = message;
    }

    /// <summary>True while unread bytes remain.</summary>
    public readonly bool HasMore => _position < _data.Length;

    /// <summary>Reads the next key; returns the field number and sets <paramref name="wireType"/>.</summary>
    public int ReadKey(out int wireType)
    {
        ulong key = ReadVarint();
        wireType = (int)(key & 7);
        ulong field = key >> 3;
        if (field == 0 || field > 536_870_911) throw Error($"has an invalid field number {field}");
        return (int)field;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length) throw Error("ends inside a varint (the file is truncated)");
            byte b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw Error("has a varint longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    /// <summary>A length-delimited payload; <paramref name="fileOffset"/> is where it starts in the file.</summary>
    public ReadOnlySpan<byte> ReadBytes(out long fileOffset)
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw Error($"declares a {length}-byte field but only {_data.Length - _position} bytes remain (the file is truncated)");
        fileOffset = _origin + _position;
        return Take((int)length);
    }

    public string ReadString()
    {
        var bytes = ReadBytes(out _);
        try
        {
            return Encoding.UTF8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("has a string that is not UTF-8");
        }
    }

    /// <summary>A reader over the next length-delimited field, as a nested message named <paramref name="message"/>.</summary>
    public ProtoReader ReadMessage(string message)
    {
        var bytes = ReadBytes(out long offset);
        return new ProtoReader(bytes, offset, _file, message);
    }

    /// <summary>Reads a repeated int64 field (packed or not) into <paramref name="into"/>.</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == Varint) { into.Add(ReadInt64()); return; }
        Expect(wireType, LengthDelimited);
        var packed = ReadMessage(_message);
        while (packed.HasMore) into.Add(packed.ReadInt64());
    }

    /// <summary>Reads a repeated float field (packed or not) into <paramref name="into"/>.</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType == Fixed32) { into.Add(ReadFloat()); return; }
        Expect(wireType, LengthDelimited);
        var packed = ReadMessage(_message);
        while (packed.HasMore) into.Add(packed.ReadFloat());
    }

    /// <summary>Reads a repeated double field (packed or not) into <paramref name="into"/>.</summary>
    public void ReadDoubles(int wireType, List<double> into)
    {
        if (wireType == Fixed64) { into.Add(BinaryPrimitives.ReadDoubleLittleEndian(Take(8))); return; }
        Expect(wireType, LengthDelimited);
        var packed = ReadMessage(_message);
        while (packed.HasMore) into.Add(BinaryPrimitives.ReadDoubleLittleEndian(packed.Take(8)));
    }

    /// <summary>Skips a field of the given wire type (unknown fields are ignored, as protobuf requires).</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case LengthDelimited: ReadBytes(out _); break;
            case Fixed32: Take(4); break;
            default: throw Error($"uses the unsupported wire type {wireType}");
        }
    }

    /// <summary>Throws unless a field has the wire type its schema requires.</summary>
    public readonly void Expect(int wireType, int expected)
    {
        if (wireType != expected) throw Error($"has wire type {wireType} where {expected} was expected");
    }

    public readonly BertFormatException Error(string problem) =>
        new(_file, _message, $"is not a valid ONNX protobuf: the message {problem}.");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position) throw Error("is truncated");
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
