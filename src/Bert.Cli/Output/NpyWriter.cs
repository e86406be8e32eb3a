using System.Buffers.Binary;
using System.Text;

namespace Bert.Cli.Output;

/// <summary>Writes a float32 matrix as a NumPy <c>.npy</c> file (format 1.0: magic, little-endian header length, a
/// Python-dict header padded with spaces to a multiple of 64 bytes and ending in '\n', then row-major <c>&lt;f4</c> data).</summary>
internal static class NpyWriter
{
    public static void Write(Stream stream, IReadOnlyList<float[]> rows, int columns)
    {
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows.Count}, {columns}), }}";
        int unpadded = 6 + 2 + 2 + dict.Length + 1;
        string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)header.Length));
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
        var buffer = new byte[columns * sizeof(float)];
        foreach (var row in rows)
        {
            for (int j = 0; j < columns; j++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(j * 4), row[j]);
            stream.Write(buffer);
        }
    }
}
