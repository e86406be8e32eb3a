using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Bert.Onnx.Graph;

/// <summary>
/// Reads the values of a <see cref="OnnxTensor"/> as F32 (weights) or int64 (shape constants), from <c>raw_data</c>
/// (little-endian), the typed repeated fields, or external data. Element counts are checked against the bytes present
/// before anything is allocated.
/// </summary>
internal static class OnnxTensorValues
{
    // The largest tensor an importer allocates: 2^31 − 1 elements (a .NET array's limit); BERT-Large's largest is 31 M.
    private const long MaxElements = int.MaxValue;

    /// <summary>Values of a floating-point tensor (F32, F16, BF16, F64) widened to F32, row-major.</summary>
    public static float[] Floats(OnnxModelFile file, OnnxTensor t)
    {
        int count = Count(file, t);
        int size = t.DataType switch
        {
            OnnxTensor.Float32 => 4,
            OnnxTensor.Float16 or OnnxTensor.BFloat16 => 2,
            OnnxTensor.Float64 => 8,
            _ => throw Error(file, t, $"has element type {t.DataType}; a floating-point tensor was expected"),
        };
        var values = new float[count];
        if (t.RawOffset >= 0 || t.External is not null)
        {
            WithBytes(file, t, (long)count * size, bytes => Decode(bytes, t.DataType, values));
            return values;
        }
        switch (t.DataType)
        {
            case OnnxTensor.Float32: Typed(file, t, t.FloatData, values, v => v); break;
            case OnnxTensor.Float64: Typed(file, t, t.DoubleData, values, v => (float)v); break;
            case OnnxTensor.Float16: Typed(file, t, t.IntData, values, v => (float)BitConverter.UInt16BitsToHalf((ushort)v)); break;
            default: Typed(file, t, t.IntData, values, v => BitConverter.Int32BitsToSingle((int)(v << 16))); break;
        }
        return values;
    }

    /// <summary>Values of an integer tensor (int64 or int32), e.g. a Reshape target or Gather index.</summary>
    public static long[] Ints(OnnxModelFile file, OnnxTensor t)
    {
        int count = Count(file, t);
        if (t.DataType is not (OnnxTensor.Int64 or OnnxTensor.Int32))
            throw Error(file, t, $"has element type {t.DataType}; an integer tensor was expected");
        var values = new long[count];
        if (t.RawOffset >= 0 || t.External is not null)
        {
            int size = t.DataType == OnnxTensor.Int64 ? 8 : 4;
            WithBytes(file, t, (long)count * size, bytes =>
            {
                for (int i = 0; i < count; i++)
                    values[i] = size == 8 ? BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
            });
            return values;
        }
        Typed(file, t, t.IntData, values, v => v);
        return values;
    }

    private delegate void BytesAction(ReadOnlySpan<byte> bytes);

    private static int Count(OnnxModelFile file, OnnxTensor t)
    {
        foreach (long d in t.Dims)
            if (d < 0) throw Error(file, t, $"has a negative dimension in {t.ShapeText}");
        long count;
        try { count = t.ElementCount; }
        catch (OverflowException) { throw Error(file, t, $"has shape {t.ShapeText}, whose element count overflows"); }
        if (count > MaxElements) throw Error(file, t, $"has {count} elements, more than an importer can hold");
        return (int)count;
    }

    private static void Typed<T, TOut>(OnnxModelFile file, OnnxTensor t, IReadOnlyList<T> data, TOut[] values, Func<T, TOut> convert)
    {
        if (data.Count != values.Length) throw Error(file, t, $"has {data.Count} stored values for shape {t.ShapeText}");
        for (int i = 0; i < values.Length; i++) values[i] = convert(data[i]);
    }

    private static void WithBytes(OnnxModelFile file, OnnxTensor t, long expected, BytesAction use)
    {
        if (t.External is { } external)
        {
            ExternalBytes(file, t, external, expected, use);
            return;
        }
        if (t.RawLength != expected) throw Error(file, t, $"has {t.RawLength} bytes of raw_data where shape {t.ShapeText} needs {expected}");
        use(file.Bytes.Slice((int)t.RawOffset, (int)t.RawLength));
    }

    // External data: a file beside the model (never outside its folder), read whole into a buffer of the checked size.
    private static void ExternalBytes(OnnxModelFile file, OnnxTensor t, OnnxExternalData external, long expected, BytesAction use)
    {
        string folder = Path.GetFullPath(file.Folder);
        string path = Path.GetFullPath(Path.Combine(folder, external.Location));
        if (Path.IsPathRooted(external.Location) || !path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw Error(file, t, $"has external data location '{external.Location}' outside the model's folder");
        if (!File.Exists(path)) throw Error(file, t, $"has its data in '{external.Location}', which does not exist beside the model");
        if (external.Length is long length && length != expected)
            throw Error(file, t, $"declares {length} bytes of external data where shape {t.ShapeText} needs {expected}");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (external.Offset > stream.Length - expected)
            throw new BertFormatException(path, t.Name, $"is {stream.Length} bytes; tensor data at offset {external.Offset} of {expected} bytes does not fit (truncated).");
        var buffer = new byte[expected];
        stream.Position = external.Offset;
        stream.ReadExactly(buffer);
        use(buffer);
    }

    private static void Decode(ReadOnlySpan<byte> bytes, int type, float[] values)
    {
        switch (type)
        {
            case OnnxTensor.Float32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
                break;
            case OnnxTensor.Float32:
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            case OnnxTensor.Float16:
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case OnnxTensor.BFloat16:
                for (int i = 0; i < values.Length; i++) values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                break;
            default:
                for (int i = 0; i < values.Length; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                break;
        }
    }

    private static BertFormatException Error(OnnxModelFile file, OnnxTensor t, string problem) =>
        new(file.Path, t.Name, $"tensor {problem}.");
}
