using System.Text.Json;
using System.Text.Unicode;

namespace Bert.Loading;

/// <summary>
/// The parsed and validated JSON header of a safetensors file.
/// </summary>
/// <remarks>
/// Layout: 8-byte little-endian u64 N, N bytes of UTF-8 JSON <c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}</c>,
/// then the byte buffer; offsets are relative to the buffer. Validation follows the reference reader
/// (huggingface/safetensors): N ≤ 100 MB, no duplicate keys, known dtypes, <c>begin ≤ end ≤ buffer length</c>,
/// <c>end − begin = product(shape) × dtype size</c> without overflow, and no two tensors sharing a byte.
/// Unlike the reference we tolerate gaps between tensors (e.g. alignment padding) and trailing bytes.
/// </remarks>
internal sealed class SafeTensorsHeader
{
    /// <summary>Largest accepted JSON header, as in the reference reader (guards against huge allocations).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private SafeTensorsHeader(Dictionary<string, SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Tensors by stored name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>The free-form <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads N from the first 8 bytes and bounds it by <see cref="MaxHeaderBytes"/> and the file length.</summary>
    /// <exception cref="BertFormatException">The file is shorter than 8 bytes or N is out of bounds.</exception>
    public static long ReadLength(ReadOnlySpan<byte> file, long fileLength, string path)
    {
        if (fileLength < 8)
            throw new BertFormatException(path, "header length", $"the file has {fileLength} bytes, fewer than the 8-byte header length.");
        ulong n = BitConverter.ToUInt64(file[..8]); // the format is little-endian; BertCheckpoint requires a little-endian host
        if (n > MaxHeaderBytes)
            throw new BertFormatException(path, "header length", $"header length {n} exceeds the {MaxHeaderBytes}-byte limit.");
        if ((long)n > fileLength - 8)
            throw new BertFormatException(path, "header length", $"header length {n} runs past the end of the {fileLength}-byte file (truncated?).");
        if (n < 2)
            throw new BertFormatException(path, "header length", $"header length {n} is too short for a JSON object.");
        return (long)n;
    }

    /// <summary>Parses and validates the JSON header against a byte buffer of <paramref name="bufferLength"/> bytes.</summary>
    /// <exception cref="BertFormatException">The JSON is invalid or an entry is inconsistent; the message names the entry.</exception>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long bufferLength, string path)
    {
        using var document = ParseJson(json, path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new BertFormatException(path, "header", $"the header is a JSON {root.ValueKind}, not an object.");

        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        bool sawMetadata = false;
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                if (sawMetadata) throw Duplicate(path, property.Name);
                sawMetadata = true;
                ReadMetadata(property.Value, metadata, path);
                continue;
            }
            if (tensors.ContainsKey(property.Name)) throw Duplicate(path, property.Name);
            tensors.Add(property.Name, ReadTensor(property.Name, property.Value, bufferLength, path));
        }
        RejectOverlaps(tensors.Values, path);
        return new SafeTensorsHeader(tensors, metadata);
    }

    private static JsonDocument ParseJson(ReadOnlySpan<byte> json, string path)
    {
        // JsonDocument checks UTF-8 inside strings only when they are decoded: check it all up front.
        if (!Utf8.IsValid(json)) throw new BertFormatException(path, "header", "the header is not valid UTF-8.");
        try
        {
            return JsonDocument.Parse(json.ToArray()); // bounded copy: ReadLength capped N at 100 MB and the file length
        }
        catch (JsonException e)
        {
            throw new BertFormatException(path, "header", $"the header is not valid UTF-8 JSON: {e.Message}", e);
        }
    }

    private static BertFormatException Duplicate(string path, string name) =>
        new(path, name, "the key appears twice in the header.");

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        if (value.ValueKind != JsonValueKind.Object)
            throw new BertFormatException(path, "__metadata__", $"expected an object of strings, found a JSON {value.ValueKind}.");
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new BertFormatException(path, "__metadata__", $"value of '{entry.Name}' is a JSON {entry.Value.ValueKind}, not a string.");
            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadTensor(string name, JsonElement entry, long bufferLength, string path)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw new BertFormatException(path, name, $"expected an object with dtype, shape and data_offsets, found a JSON {entry.ValueKind}.");
        string dtype = ReadDType(name, entry, path);
        long[] shape = ReadIntegers(name, entry, "shape", path);
        long[] offsets = ReadIntegers(name, entry, "data_offsets", path);
        if (offsets.Length != 2)
            throw new BertFormatException(path, name, $"data_offsets has {offsets.Length} numbers, expected [begin, end].");
        long begin = offsets[0], end = offsets[1];
        if (end < begin)
            throw new BertFormatException(path, name, $"data_offsets [{begin}, {end}] end before they begin.");
        if (end > bufferLength)
            throw new BertFormatException(path, name, $"data_offsets [{begin}, {end}] run past the {bufferLength}-byte data buffer (truncated file?).");
        long expected = ByteCount(name, shape, SafeTensorDTypes.ByteSize(dtype), path);
        if (end - begin != expected)
            throw new BertFormatException(path, name,
                $"shape {ShapeFormat.Text(shape)} of {dtype} needs {expected} bytes but data_offsets [{begin}, {end}] hold {end - begin}.");
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static string ReadDType(string name, JsonElement entry, string path)
    {
        if (!entry.TryGetProperty("dtype", out var value) || value.ValueKind != JsonValueKind.String)
            throw new BertFormatException(path, name, "dtype is missing or not a string.");
        string dtype = value.GetString()!;
        if (SafeTensorDTypes.ByteSize(dtype) == 0)
            throw new BertFormatException(path, name, $"unknown dtype '{dtype}' (known: {SafeTensorDTypes.KnownNames}).");
        return dtype;
    }

    private static long[] ReadIntegers(string name, JsonElement entry, string key, string path)
    {
        if (!entry.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new BertFormatException(path, name, $"{key} is missing or not an array.");
        var values = new long[array.GetArrayLength()]; // bounded by the header size
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
                throw new BertFormatException(path, name, $"{key}[{i}] = {item.GetRawText()} is not a non-negative 64-bit integer.");
            values[i++] = v;
        }
        return values;
    }

    private static long ByteCount(string name, long[] shape, int elementSize, string path)
    {
        try
        {
            long count = elementSize;
            foreach (long dim in shape) count = checked(count * dim);
            return count;
        }
        catch (OverflowException e)
        {
            throw new BertFormatException(path, name, $"shape {ShapeFormat.Text(shape)} overflows a 64-bit byte count.", e);
        }
    }

    private static void RejectOverlaps(IEnumerable<SafeTensorInfo> tensors, string path)
    {
        // Empty tensors own no bytes; the rest must not share one (a writer bug or a crafted file).
        var sorted = tensors.Where(t => t.DataEnd > t.DataBegin).OrderBy(t => t.DataBegin).ToArray();
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].DataBegin < sorted[i - 1].DataEnd)
                throw new BertFormatException(path, sorted[i].Name,
                    $"data_offsets [{sorted[i].DataBegin}, {sorted[i].DataEnd}] overlap those of '{sorted[i - 1].Name}' [{sorted[i - 1].DataBegin}, {sorted[i - 1].DataEnd}].");
        }
    }
}
