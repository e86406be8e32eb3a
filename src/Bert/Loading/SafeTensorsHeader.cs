using System.Text.Json;
using System.Text.Unicode;

namespace Bert.Loading;

/// <summary>
/// The parsed and validated JSON header of a safetensors file.
/// </summary>
/// <remarks>
/// Layout: 8-byte little-endian u64 N, N bytes of UTF-8 JSON <c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}</c>,
/// then the byte buffer; offsets are relative to the buffer. Validation follows the reference reader
/// (huggingface/safetensors): N ≤ 16 MiB, no duplicate keys, known dtypes, <c>begin ≤ end ≤ buffer length</c>,
/// <c>end − begin = product(shape) × dtype size</c> without overflow, and tensor data contiguous from byte 0 to the end of the
/// buffer (no gap, overlap or trailing byte). Also bounded here: rank ≤ <see cref="MaxRank"/>, entries ≤ <see cref="MaxTensors"/>.
/// </remarks>
internal sealed class SafeTensorsHeader
{
    /// <summary>Largest accepted JSON header: 16 MiB, ~400× a BERT-Large header (the reference reader allows 100 MB; a hostile
    /// header that size made JsonDocument allocate gigabytes).</summary>
    public const long MaxHeaderBytes = 16 << 20;

    /// <summary>Most dimensions a tensor may have (BERT's have at most 2; the reference format sets no limit).</summary>
    public const int MaxRank = 8;

    /// <summary>Most entries a header may list (BERT-Large has ~400 tensors).</summary>
    public const int MaxTensors = 100_000;

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
            if (tensors.Count == MaxTensors)
                throw new BertFormatException(path, "header", $"the header lists more than {MaxTensors} tensors.");
            tensors.Add(property.Name, ReadTensor(property.Name, property.Value, bufferLength, path));
        }
        RequireContiguous(tensors.Values, bufferLength, path);
        return new SafeTensorsHeader(tensors, metadata);
    }

    private static JsonDocument ParseJson(ReadOnlySpan<byte> json, string path)
    {
        // JsonDocument checks UTF-8 inside strings only when they are decoded: check it all up front.
        if (!Utf8.IsValid(json)) throw new BertFormatException(path, "header", "the header is not valid UTF-8.");
        try
        {
            var document = JsonDocument.Parse(json.ToArray()); // bounded copy: ReadLength capped N and the file length
            try
            {
                JsonFile.CheckStrings(document.RootElement, path, "");
            }
            catch
            {
                document.Dispose();
                throw;
            }
            return document;
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
        RejectDuplicateKeys(name, entry, path);
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

    private static void RejectDuplicateKeys(string name, JsonElement entry, string path)
    {
        // JsonElement returns the last of duplicate keys; the reference (serde) rejects them, so must we.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in entry.EnumerateObject())
            if (!seen.Add(p.Name)) throw new BertFormatException(path, name, $"the key '{p.Name}' appears twice in this entry.");
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
        int length = array.GetArrayLength();
        if (length > MaxRank) // checked before allocating: a crafted header can hold a 48M-entry shape
            throw new BertFormatException(path, name, $"{key} has {length} entries; at most {MaxRank} are allowed.");
        var values = new long[length];
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

    private static void RequireContiguous(IEnumerable<SafeTensorInfo> tensors, long bufferLength, string path)
    {
        // As the reference reader: sorted by offsets, each tensor starts where the previous ended and the last ends at
        // the end of the buffer. A gap, overlap or trailing byte means the header and data disagree (a header length one
        // byte short shifts every tensor and must not load).
        long expected = 0;
        foreach (var t in tensors.OrderBy(t => t.DataBegin).ThenBy(t => t.DataEnd))
        {
            if (t.DataBegin != expected)
                throw new BertFormatException(path, t.Name, t.DataBegin < expected
                    ? $"data_offsets [{t.DataBegin}, {t.DataEnd}] overlap the previous tensor, which ends at {expected}."
                    : $"data_offsets [{t.DataBegin}, {t.DataEnd}] leave a gap after byte {expected}; tensor data must be contiguous.");
            expected = t.DataEnd;
        }
        if (expected != bufferLength)
            throw new BertFormatException(path, "data_offsets", $"the tensors cover {expected} bytes but the data buffer after the header has {bufferLength} (wrong header length or trailing bytes).");
    }
}
