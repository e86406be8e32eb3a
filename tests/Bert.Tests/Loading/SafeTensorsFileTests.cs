using System.Buffers;
using System.Runtime.InteropServices;
using Bert.Loading;

namespace Bert.Tests.Loading;

public sealed class SafeTensorsFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(SafeTensorsBytes bytes, string name = "model.safetensors")
    {
        string path = _temp.File(name);
        bytes.WriteTo(path);
        return path;
    }

    // Awkward F32 values whose bits must survive untouched: signed zero, subnormals, infinities, NaN payloads.
    private static readonly float[] AwkwardFloats =
    [
        0f, -0f, 1f, -1.5f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue,
        float.PositiveInfinity, float.NegativeInfinity, BitConverter.UInt32BitsToSingle(0x7FC00001), BitConverter.UInt32BitsToSingle(0xFFA00000),
        1e-40f, 3.14159265f,
    ];

    private static uint[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, uint>(values).ToArray();

    [Fact]
    public void F32IsBitExactAndServedFromTheMapWithoutCopy()
    {
        string path = Write(new SafeTensorsBytes().F32("a", [2, 7], AwkwardFloats));
        using var file = SafeTensorsFile.Open(path);
        var memory = file.GetFloats("a");
        Assert.Equal(Bits(AwkwardFloats), Bits(memory.Span));
        // Served from the mapping: a MemoryManager, not an array.
        Assert.False(MemoryMarshal.TryGetArray(memory, out _));
        Assert.True(MemoryMarshal.TryGetMemoryManager<float, MemoryManager<float>>(memory, out _));
        Assert.Equal(new long[] { 2, 7 }, file.Tensors["a"].Shape);
        Assert.Equal("F32", file.Tensors["a"].DType);
    }

    [Fact]
    public void UnalignedF32IsCopiedOnceAndStillBitExact()
    {
        // An odd header length (the reference writer pads to 8, others might not) puts F32 data off a 4-byte boundary.
        var bytes = new SafeTensorsBytes { HeaderAlignment = 1 }.Add("b", "U8", [1], [7]).F32("a", [14], AwkwardFloats);
        string path = Write(bytes);
        using var file = SafeTensorsFile.Open(path);
        var memory = file.GetFloats("a");
        Assert.Equal(Bits(AwkwardFloats), Bits(memory.Span));
        Assert.True(MemoryMarshal.TryGetArray(memory, out var first));
        Assert.True(MemoryMarshal.TryGetArray(file.GetFloats("a"), out var second));
        Assert.Same(first.Array, second.Array); // converted once, then reused
    }

    [Fact]
    public void F16WidensEveryBitPatternExactly()
    {
        // All 65536 halves; expected widening from System.Half's scalar conversion (independent of the vector path used by the loader).
        var halves = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        using var file = SafeTensorsFile.Open(Write(new SafeTensorsBytes().F16("h", [256, 256], halves)));
        var actual = file.GetFloats("h").Span;
        for (int i = 0; i < halves.Length; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf(halves[i]);
            if (float.IsNaN(expected)) Assert.True(float.IsNaN(actual[i]), $"half 0x{i:X4} must widen to NaN");
            else Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(actual[i])); // exact: every half is an F32
        }
    }

    [Fact]
    public void BF16WidensEveryBitPatternExactly()
    {
        // bfloat16 is by definition the top 16 bits of an F32, so the widening is a 16-bit left shift, bit for bit.
        var halves = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        using var file = SafeTensorsFile.Open(Write(new SafeTensorsBytes().BF16("b", [65536], halves)));
        var actual = file.GetFloats("b").Span;
        for (int i = 0; i < halves.Length; i++)
            Assert.Equal((uint)halves[i] << 16, BitConverter.SingleToUInt32Bits(actual[i]));
    }

    [Fact]
    public void HalfTypesAtOddOffsetsWidenCorrectly()
    {
        // A 1-byte tensor first puts the F16/BF16 data at odd addresses.
        ushort[] f16 = [0x3C00, 0xC000, 0x7BFF, 0x0001]; // 1, -2, 65504, smallest subnormal 2^-24
        ushort[] bf16 = [0x3F80, 0xC040, 0x0001];         // 1, -3, smallest subnormal 2^-133
        var bytes = new SafeTensorsBytes().Add("pad", "BOOL", [1], [1]).F16("h", [4], f16).BF16("b", [3], bf16);
        using var file = SafeTensorsFile.Open(Write(bytes));
        Assert.Equal([1f, -2f, 65504f, MathF.Pow(2, -24)], file.GetFloats("h").ToArray());
        Assert.Equal([1f, -3f, MathF.Pow(2, -133)], file.GetFloats("b").ToArray());
    }

    [Fact]
    public void ScalarsEmptyTensorsAndMetadataAreRead()
    {
        var bytes = new SafeTensorsBytes { Metadata = new() { ["format"] = "pt" } }
            .F32("empty", [3, 0], []).F32("scalar", [], [42f]);
        using var file = SafeTensorsFile.Open(Write(bytes));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(0, file.GetFloats("empty").Length);
        Assert.Equal([42f], file.GetFloats("scalar").ToArray());
        Assert.Empty(file.Tensors["scalar"].Shape);
    }

    [Fact]
    public void IntegerTensorsAreListedButNotServedAsFloats()
    {
        // Older BERT checkpoints carry "embeddings.position_ids" as I64: the file must still open.
        var bytes = new SafeTensorsBytes().Add("embeddings.position_ids", "I64", [1, 2], new byte[16]).F32("w", [1], [1f]);
        using var file = SafeTensorsFile.Open(Write(bytes));
        Assert.Equal(2, file.Tensors["embeddings.position_ids"].ElementCount);
        var e = Assert.Throws<BertFormatException>(() => file.GetFloats("embeddings.position_ids"));
        Assert.Equal("embeddings.position_ids", e.Field);
        Assert.Contains("I64", e.Message);
    }

    [Fact]
    public void OpensTheExampleFromTheSafetensorsDocumentation()
    {
        // Bytes of the doc example in huggingface/safetensors (tensor.rs, SafeTensors::deserialize): N = 0x3C, an I32 [2, 2], 16 zero bytes.
        byte[] bytes = [0x3C, 0, 0, 0, 0, 0, 0, 0, .. "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"u8, .. new byte[16]];
        string path = _temp.File("doc.safetensors");
        File.WriteAllBytes(path, bytes);
        using var file = SafeTensorsFile.Open(path);
        var info = Assert.Single(file.Tensors.Values);
        Assert.Equal(("test", "I32", 4L, 0L, 16L), (info.Name, info.DType, info.ElementCount, info.DataBegin, info.DataEnd));
        Assert.Null(info.FloatType);
    }

    [Fact]
    public void UseAfterDisposeThrowsInsteadOfReadingUnmappedMemory()
    {
        var file = SafeTensorsFile.Open(Write(new SafeTensorsBytes().F32("a", [2], [1f, 2f])));
        var memory = file.GetFloats("a");
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => memory.Span.ToArray());
        Assert.Throws<ObjectDisposedException>(() => file.GetFloats("a"));
    }
}
