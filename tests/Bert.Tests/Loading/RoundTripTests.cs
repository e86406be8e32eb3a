using System.Buffers.Binary;
using System.Text.Json;
using Bert.Loading;

namespace Bert.Tests.Loading;

/// <summary>Files written by <see cref="SafeTensorsWriter"/> in every dtype read back bit-exactly.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The raw bytes of one tensor, found by parsing the file per the format spec (independent of the reader under test).</summary>
    private static byte[] StoredBytes(string path, string name)
    {
        byte[] file = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var header = JsonDocument.Parse(file.AsMemory(8, n));
        var offsets = header.RootElement.GetProperty(name).GetProperty("data_offsets");
        int begin = offsets[0].GetInt32(), end = offsets[1].GetInt32();
        return file[(8 + n + begin)..(8 + n + end)];
    }

    /// <summary>Expected F32 bits: stored F32 as is; F16 widened by System.Half; BF16 shifted into the high half (its definition).</summary>
    private static uint[] ExpectedBits(byte[] stored, SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F32 => Enumerable.Range(0, stored.Length / 4).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(stored.AsSpan(4 * i))).ToArray(),
        SafeTensorDType.F16 => Enumerable.Range(0, stored.Length / 2)
            .Select(i => BitConverter.SingleToUInt32Bits((float)BinaryPrimitives.ReadHalfLittleEndian(stored.AsSpan(2 * i)))).ToArray(),
        _ => Enumerable.Range(0, stored.Length / 2).Select(i => (uint)BinaryPrimitives.ReadUInt16LittleEndian(stored.AsSpan(2 * i)) << 16).ToArray(),
    };

    private static uint[] Bits(ReadOnlyMemory<float> values) => values.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();

    private static float[] Awkward(int count, int seed)
    {
        float[] special = [0f, -0f, 1f, -1f, 65504f, 1e-7f, -3e-39f, 1e30f, float.PositiveInfinity, float.NegativeInfinity, 0.1f, 1f / 3];
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => i < special.Length ? special[i] : (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-30, 30)))).ToArray();
    }

    [Theory]
    [InlineData(SafeTensorDType.F32)]
    [InlineData(SafeTensorDType.F16)]
    [InlineData(SafeTensorDType.BF16)]
    public void EveryDTypeReadsBackTheStoredValuesExactly(SafeTensorDType dtype)
    {
        string path = _temp.File($"{dtype}.safetensors");
        (string, int[], float[])[] tensors = [("a", [3, 5, 7], Awkward(105, 1)), ("b", [1], [2.5f]), ("c", [0], []), ("d", [33], Awkward(33, 2))];
        SafeTensorsWriter.WriteFile(path, tensors, dtype, new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        foreach (var (name, shape, values) in tensors)
        {
            var info = file.Tensors[name];
            Assert.Equal(dtype, info.FloatType);
            Assert.Equal(shape.Select(d => (long)d), info.Shape);
            var actual = file.GetFloats(name);
            Assert.Equal(ExpectedBits(StoredBytes(path, name), dtype), Bits(actual));
            if (dtype == SafeTensorDType.F32) Assert.Equal(values, actual.ToArray()); // F32 is stored verbatim
        }
    }

    [Theory]
    [InlineData(SafeTensorDType.F32)]
    [InlineData(SafeTensorDType.F16)]
    [InlineData(SafeTensorDType.BF16)]
    public void CheckpointWrittenByTheWriterOpensInEveryDType(SafeTensorDType dtype)
    {
        string folder = _temp.Folder(dtype.ToString());
        File.WriteAllText(Path.Combine(folder, "config.json"), TinyCheckpoint.ConfigJson);
        var c = TinyCheckpoint.Config;
        var all = TinyCheckpoint.EncoderTensors(c).Concat(TinyCheckpoint.HeadTensors(c)).ToArray();
        string path = Path.Combine(folder, "model.safetensors");
        SafeTensorsWriter.WriteFile(path, all.Select(t => (TinyCheckpoint.WithPrefix(t.Name), t.Shape, TinyCheckpoint.Values(t.Name, t.Shape))), dtype);

        using var checkpoint = BertCheckpoint.Open(folder);
        foreach (var (name, shape) in all)
        {
            var expected = ExpectedBits(StoredBytes(path, TinyCheckpoint.WithPrefix(name)), dtype);
            Assert.Equal(expected, Bits(checkpoint.Weights.Get(name, shape)));
        }
    }
}
