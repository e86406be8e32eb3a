using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Bert.Tests.Loading;

/// <summary>
/// Crafts safetensors bytes by hand for tests, including malformed ones (the library's writer never writes those).
/// Layout per the format spec: u64 LE header length N, N bytes of JSON, then the tensors' bytes back to back.
/// </summary>
internal sealed class SafeTensorsBytes
{
    private readonly List<(string Name, string DType, long[] Shape, byte[] Data)> _tensors = [];

    /// <summary>Pad the header with spaces to a multiple of this (the reference writer uses 8; 1 = no padding).</summary>
    public int HeaderAlignment { get; init; } = 8;

    /// <summary>Optional <c>__metadata__</c>.</summary>
    public Dictionary<string, string>? Metadata { get; init; }

    public SafeTensorsBytes Add(string name, string dtype, long[] shape, byte[] data)
    {
        _tensors.Add((name, dtype, shape, data));
        return this;
    }

    public SafeTensorsBytes F32(string name, int[] shape, float[] values) =>
        Add(name, "F32", Array.ConvertAll(shape, d => (long)d), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public SafeTensorsBytes F16(string name, int[] shape, ushort[] bits) =>
        Add(name, "F16", Array.ConvertAll(shape, d => (long)d), MemoryMarshal.AsBytes(bits.AsSpan()).ToArray());

    public SafeTensorsBytes BF16(string name, int[] shape, ushort[] bits) =>
        Add(name, "BF16", Array.ConvertAll(shape, d => (long)d), MemoryMarshal.AsBytes(bits.AsSpan()).ToArray());

    public string HeaderJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            if (Metadata is not null)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in Metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in _tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType);
                json.WriteStartArray("shape");
                foreach (long d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.Data.Length;
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public byte[] ToBytes() => Compose(HeaderJson(), _tensors.SelectMany(t => t.Data).ToArray(), HeaderAlignment);

    /// <summary>Any header text + data, with the header padded with spaces and its true length (or <paramref name="lengthField"/>) in front.</summary>
    public static byte[] Compose(string headerJson, byte[] data, int headerAlignment = 8, ulong? lengthField = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson).ToList();
        while (header.Count % headerAlignment != 0) header.Add((byte)' ');
        var bytes = new List<byte>(BitConverter.GetBytes(lengthField ?? (ulong)header.Count));
        bytes.AddRange(header);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public void WriteTo(string path) => File.WriteAllBytes(path, ToBytes());
}

/// <summary>A scratch folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bert-load-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Folder(string name)
    {
        string path = File(name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: a mapped file may still be closing */ }
    }
}
