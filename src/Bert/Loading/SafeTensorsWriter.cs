using System.Buffers;
using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bert.Loading;

/// <summary>
/// Writes a <c>.safetensors</c> file exactly as Hugging Face's <c>safetensors</c> library lays it out,
/// streaming tensor by tensor so that no second copy of the weights is ever held.
/// </summary>
/// <remarks>
/// <para>File layout: 8 bytes little-endian <c>u64</c> N; N bytes of compact UTF-8 JSON
/// <c>{"__metadata__":{...},"name":{"dtype":"F32","shape":[..],"data_offsets":[begin,end]},...}</c>
/// right-padded with spaces so that N is a multiple of 8; then the tensor bytes, little-endian, back to back.
/// <c>data_offsets</c> are relative to the first byte after the header.</para>
/// <para>Order, as the reference implementation (<c>safetensors/src/tensor.rs</c>, <c>prepare</c>) does it:
/// tensors sorted by descending element type (F32, then BF16, then F16) and then by name (ordinal), and the data
/// laid out in that same order with no gaps. <c>__metadata__</c>, when given, comes first.</para>
/// <para>Values are given as F32 and stored as the tensor's <see cref="SafeTensorDType"/>: F16 by IEEE round-to-nearest-even
/// (<see cref="Half"/>), BF16 by round-to-nearest-even on the upper 16 bits (<see cref="ToBFloat16Bits"/>).</para>
/// <para>Usage: declare all tensors in the constructor (the header needs every offset), then call
/// <see cref="Write(string, ReadOnlySpan{float})"/> once per tensor, and dispose. On a seekable stream tensors may be
/// written in any order; otherwise in <see cref="Tensors"/> order.</para>
/// </remarks>
public sealed class SafeTensorsWriter : IDisposable
{
    // Conversion chunk: large enough for sequential I/O, small enough to stay in L2.
    private const int ChunkElements = 16 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Dictionary<string, int> _index;
    private readonly long[] _offsets;
    private readonly long _origin; // stream position of the file's first byte
    private readonly bool[] _written;
    private int _nextInOrder;
    private bool _disposed;

    /// <summary>Creates (or overwrites) the file at <paramref name="path"/> and writes its header.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="tensors">Every tensor the file will hold; names must be unique.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> string map, e.g. <c>{"format":"pt"}</c> as transformers writes.</param>
    /// <exception cref="ArgumentException">A name is duplicated, empty or <c>__metadata__</c>, or a dimension is negative.</exception>
    /// <exception cref="IOException">The file cannot be created.</exception>
    public SafeTensorsWriter(string path, IEnumerable<SafeTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        : this(Layout.Plan(tensors, metadata), null, path, leaveOpen: false)
    {
    }

    /// <summary>Writes the header to <paramref name="stream"/>, positioned where the file starts.</summary>
    /// <param name="stream">Destination; must be writable.</param>
    /// <param name="tensors">Every tensor the file will hold; names must be unique.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> string map.</param>
    /// <param name="leaveOpen">When true, <see cref="Dispose"/> flushes but does not close <paramref name="stream"/>.</param>
    /// <exception cref="ArgumentException">A name is duplicated, empty or <c>__metadata__</c>, a dimension is negative, or the stream is not writable.</exception>
    public SafeTensorsWriter(Stream stream, IEnumerable<SafeTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata = null, bool leaveOpen = false)
        : this(Layout.Plan(tensors, metadata), stream ?? throw new ArgumentNullException(nameof(stream)), null, leaveOpen)
    {
    }

    // Everything is validated (Layout.Plan) before the file is created, so a bad declaration leaves no open handle.
    private SafeTensorsWriter(Layout layout, Stream? stream, string? path, bool leaveOpen)
    {
        if (stream is { CanWrite: false }) throw new ArgumentException("The stream is not writable.", nameof(stream));
        _stream = stream ?? new FileStream(path!, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        _leaveOpen = leaveOpen;
        _origin = _stream.CanSeek ? _stream.Position : 0;
        Tensors = layout.Sorted;
        _index = layout.Index;
        _offsets = layout.Offsets;
        _written = new bool[layout.Sorted.Count];
        HeaderLength = layout.Header.Length;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)layout.Header.Length);
        _stream.Write(prefix);
        _stream.Write(layout.Header);
    }

    /// <summary>The declared tensors in file order (descending element type, then ordinal name).</summary>
    public IReadOnlyList<SafeTensorSpec> Tensors { get; }

    /// <summary>N: bytes of the JSON header including its space padding (a multiple of 8).</summary>
    public long HeaderLength { get; }

    /// <summary>Total size of the finished file: 8 + <see cref="HeaderLength"/> + all tensor bytes.</summary>
    public long FileLength => 8 + HeaderLength + _offsets[^1];

    /// <summary>True once every declared tensor has been written.</summary>
    public bool IsComplete => Array.TrueForAll(_written, w => w);

    /// <summary>Writes one declared tensor, converting from F32 to its stored type.</summary>
    /// <param name="name">A declared tensor name.</param>
    /// <param name="values">All of its elements in row-major order.</param>
    /// <exception cref="ArgumentException">The name was not declared, or the element count differs from its shape.</exception>
    /// <exception cref="InvalidOperationException">The tensor was already written, or the stream cannot seek and the tensor is not next in file order.</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void Write(string name, ReadOnlySpan<float> values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_index.TryGetValue(name, out int i)) throw new ArgumentException($"Tensor '{name}' was not declared.", nameof(name));
        var spec = Tensors[i];
        if (values.Length != spec.ElementCount)
            throw new ArgumentException($"Tensor '{name}' has {spec.ElementCount} elements but {values.Length} were given.", nameof(values));
        if (_written[i]) throw new InvalidOperationException($"Tensor '{name}' was already written.");

        if (_stream.CanSeek) _stream.Position = _origin + 8 + HeaderLength + _offsets[i];
        else if (i != _nextInOrder)
            throw new InvalidOperationException($"The stream cannot seek: write '{Tensors[_nextInOrder].Name}' before '{name}'.");

        WriteConverted(values, spec.DType);
        _written[i] = true;
        while (_nextInOrder < _written.Length && _written[_nextInOrder]) _nextInOrder++;
    }

    /// <summary>Writes a whole file in one call: each tensor's values are converted to <paramref name="dtype"/>.</summary>
    /// <param name="path">Destination file.</param>
    /// <param name="tensors">Name, shape and row-major values of each tensor.</param>
    /// <param name="dtype">Element type to store every tensor as.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> map.</param>
    /// <exception cref="ArgumentException">See <see cref="Write(string, ReadOnlySpan{float})"/> and the constructor.</exception>
    public static void WriteFile(string path, IEnumerable<(string Name, int[] Shape, float[] Values)> tensors,
        SafeTensorDType dtype = SafeTensorDType.F32, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        using var writer = new SafeTensorsWriter(path, list.Select(t => new SafeTensorSpec(t.Name, dtype, t.Shape)), metadata);
        foreach (var (name, _, values) in list) writer.Write(name, values);
    }

    /// <summary>bfloat16 bits of <paramref name="value"/>, rounded to nearest, ties to even; NaN stays a (quiet) NaN.</summary>
    /// <param name="value">An F32 value.</param>
    /// <returns>The upper 16 bits of the rounded F32; widen back with <c>BitConverter.Int32BitsToSingle(bits &lt;&lt; 16)</c>.</returns>
    public static ushort ToBFloat16Bits(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040);
        uint lsb = (bits >> 16) & 1;
        return (ushort)((bits + 0x7FFFu + lsb) >> 16);
    }

    /// <summary>Flushes and, unless constructed with <c>leaveOpen</c>, closes the stream. Does not check <see cref="IsComplete"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Flush();
        if (!_leaveOpen) _stream.Dispose();
    }

    private void WriteConverted(ReadOnlySpan<float> values, SafeTensorDType dtype)
    {
        if (dtype == SafeTensorDType.F32 && BitConverter.IsLittleEndian)
        {
            _stream.Write(MemoryMarshal.AsBytes(values)); // already the file's byte layout
            return;
        }

        int size = dtype == SafeTensorDType.F32 ? 4 : 2;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkElements * size);
        try
        {
            for (int start = 0; start < values.Length; start += ChunkElements)
            {
                var part = values.Slice(start, Math.Min(ChunkElements, values.Length - start));
                EncodeLittleEndian(part, dtype, chunk);
                _stream.Write(chunk, 0, part.Length * size);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    // values[n] -> destination[n * size(dtype)], little-endian (the type test is hoisted out of the element loops).
    private static void EncodeLittleEndian(ReadOnlySpan<float> values, SafeTensorDType dtype, Span<byte> destination)
    {
        if (dtype == SafeTensorDType.F32)
        {
            for (int n = 0; n < values.Length; n++) BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(4 * n), values[n]);
        }
        else if (dtype == SafeTensorDType.F16)
        {
            var halves = MemoryMarshal.Cast<byte, Half>(destination[..(2 * values.Length)]);
            TensorPrimitives.ConvertToHalf(values, halves); // IEEE round-to-nearest-even, vectorized
            if (!BitConverter.IsLittleEndian)
                for (int n = 0; n < values.Length; n++) BinaryPrimitives.WriteHalfLittleEndian(destination.Slice(2 * n), halves[n]);
        }
        else
        {
            for (int n = 0; n < values.Length; n++) BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(2 * n), ToBFloat16Bits(values[n]));
        }
    }

    // The reference sorts by descending dtype (its enum orders F16 < BF16 < F32), then by name bytes.
    private static int CompareAsReference(SafeTensorSpec a, SafeTensorSpec b)
    {
        int byType = TypeRank(b.DType).CompareTo(TypeRank(a.DType));
        return byType != 0 ? byType : string.CompareOrdinal(a.Name, b.Name);
    }

    private static int TypeRank(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F16 => 0,
        SafeTensorDType.BF16 => 1,
        SafeTensorDType.F32 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors element type."),
    };

    private static string DTypeName(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F16 => "F16",
        SafeTensorDType.BF16 => "BF16",
        _ => "F32",
    };

    private static byte[] BuildHeader(List<SafeTensorSpec> sorted, long[] offsets, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps non-ASCII names as UTF-8, as serde_json does.
        var options = new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            for (int i = 0; i < sorted.Count; i++)
            {
                json.WriteStartObject(sorted[i].Name);
                json.WriteString("dtype", DTypeName(sorted[i].DType));
                json.WriteStartArray("shape");
                foreach (var dim in sorted[i].Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offsets[i]);
                json.WriteNumberValue(offsets[i + 1]);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }

        int padded = (buffer.WrittenCount + 7) / 8 * 8; // the reference pads with spaces to a multiple of 8
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    // File order, name → position, byte offsets (Offsets[i]..Offsets[i+1]) and the padded header.
    private sealed record Layout(List<SafeTensorSpec> Sorted, Dictionary<string, int> Index, long[] Offsets, byte[] Header)
    {
        public static Layout Plan(IEnumerable<SafeTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata)
        {
            ArgumentNullException.ThrowIfNull(tensors);
            var sorted = tensors.ToList();
            sorted.Sort(CompareAsReference);
            var index = new Dictionary<string, int>(sorted.Count, StringComparer.Ordinal);
            var offsets = new long[sorted.Count + 1];
            for (int i = 0; i < sorted.Count; i++)
            {
                var name = sorted[i].Name;
                if (string.IsNullOrEmpty(name) || name == "__metadata__")
                    throw new ArgumentException($"Invalid tensor name '{name}'.", nameof(tensors));
                if (!index.TryAdd(name, i))
                    throw new ArgumentException($"Tensor '{name}' is declared twice.", nameof(tensors));
                offsets[i + 1] = checked(offsets[i] + sorted[i].ByteLength);
            }
            return new Layout(sorted, index, offsets, BuildHeader(sorted, offsets, metadata));
        }
    }
}
