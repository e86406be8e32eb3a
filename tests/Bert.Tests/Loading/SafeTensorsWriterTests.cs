using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Bert.Loading;

namespace Bert.Tests.Loading;

// Byte-level checks of the writer against the layout of huggingface/safetensors (tensor.rs `prepare`):
// u64 LE header length, compact JSON with "__metadata__" first, tensors sorted by descending dtype then name,
// header space-padded to a multiple of 8, then data back to back. Expected bytes are written out by hand.
public sealed class SafeTensorsWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("st-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void HeaderIsCompactSortedPaddedJsonAndDataFollows()
    {
        var path = Path.Combine(_dir, "a.safetensors");
        SafeTensorsWriter.WriteFile(path,
            [("b", [2], [1f, -2f]), ("a", [1, 3], [0.5f, 0f, 3f])],
            SafeTensorDType.F32, new Dictionary<string, string> { ["format"] = "pt" });

        byte[] file = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        string header = Encoding.UTF8.GetString(file, 8, (int)n);
        const string expectedJson =
            "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[0,12]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
        Assert.Equal(0UL, n % 8);
        Assert.Equal(expectedJson, header.TrimEnd(' '));
        Assert.True(header.Length - expectedJson.Length < 8, "padding is fewer than 8 spaces");
        Assert.Equal(8 + (long)n + 20, file.Length);

        // a = [0.5, 0, 3], b = [1, -2] as IEEE binary32 little-endian.
        byte[] expectedData = [0x00, 0x00, 0x00, 0x3F, 0, 0, 0, 0, 0x00, 0x00, 0x40, 0x40,
                               0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0];
        Assert.Equal(expectedData, file[(8 + (int)n)..]);
    }

    [Fact]
    public void HalfTypesRoundToNearestEvenAndSortAfterF32()
    {
        var path = Path.Combine(_dir, "h.safetensors");
        // 1 + 2^-8 and 1 + 3·2^-8 are exact ties for bfloat16 (7 mantissa bits): they go to the even neighbour,
        // 1.0 (0x3F80) and 1 + 2^-6 (0x3F82). 1 + 2^-8 + 2^-20 is above the tie: rounds up to 0x3F81.
        float[] bfValues = [1f, 1f + 1f / 256, 1f + 3f / 256, 1f + 1f / 256 + 1f / (1 << 20), -2f];
        float[] halfValues = [1f, -2f, 65504f, 1f / 3];
        float[] f32Values = [7f];
        using (var writer = new SafeTensorsWriter(path, [
            new SafeTensorSpec("z.half", SafeTensorDType.F16, [4]),
            new SafeTensorSpec("y.bf", SafeTensorDType.BF16, [5]),
            new SafeTensorSpec("x.f32", SafeTensorDType.F32, [])]))
        {
            writer.Write("z.half", halfValues); // out of file order: the file stream seeks
            writer.Write("x.f32", f32Values);
            writer.Write("y.bf", bfValues);
            Assert.True(writer.IsComplete);
        }

        byte[] file = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var doc = JsonDocument.Parse(file.AsMemory(8, n));
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["x.f32", "y.bf", "z.half"], names); // F32 > BF16 > F16, as the reference's dtype order
        Assert.Equal("BF16", doc.RootElement.GetProperty("y.bf").GetProperty("dtype").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("x.f32").GetProperty("shape").GetArrayLength());

        byte[] data = file[(8 + n)..];
        Assert.Equal(4 + 10 + 8, data.Length);
        ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);
        Assert.Equal(7f, BinaryPrimitives.ReadSingleLittleEndian(data));
        Assert.Equal([0x3F80, 0x3F80, 0x3F82, 0x3F81, 0xC000], Enumerable.Range(0, 5).Select(i => U16(4 + 2 * i)));
        // binary16: 1.0 = 0x3C00, -2 = 0xC000, 65504 = 0x7BFF (largest finite), 1/3 = 0x3555 (0x3555.55.. rounds down).
        Assert.Equal([0x3C00, 0xC000, 0x7BFF, 0x3555], Enumerable.Range(0, 4).Select(i => U16(14 + 2 * i)));
    }

    [Fact]
    public void RejectsWrongLengthsDuplicatesAndOutOfOrderOnUnseekableStreams()
    {
        var path = Path.Combine(_dir, "bad.safetensors");
        Assert.Throws<ArgumentException>(() => new SafeTensorsWriter(path,
            [new SafeTensorSpec("a", SafeTensorDType.F32, [1]), new SafeTensorSpec("a", SafeTensorDType.F16, [1])]));
        using (var writer = new SafeTensorsWriter(path, [new SafeTensorSpec("a", SafeTensorDType.F32, [2, 2])]))
        {
            Assert.Throws<ArgumentException>(() => writer.Write("a", new float[3]));
            Assert.Throws<ArgumentException>(() => writer.Write("b", new float[4]));
            writer.Write("a", new float[4]);
            Assert.Throws<InvalidOperationException>(() => writer.Write("a", new float[4]));
        }

        using var pipe = new ForwardOnlyStream();
        using var streaming = new SafeTensorsWriter(pipe,
            [new SafeTensorSpec("a", SafeTensorDType.F32, [1]), new SafeTensorSpec("b", SafeTensorDType.F32, [1])]);
        Assert.Throws<InvalidOperationException>(() => streaming.Write("b", [1f]));
        streaming.Write("a", [1f]);
        streaming.Write("b", [2f]);
        Assert.Equal(streaming.FileLength, pipe.Length);
    }

    private sealed class ForwardOnlyStream : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
