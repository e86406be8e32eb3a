using Bert.Loading;

namespace Bert.Tests.Loading;

/// <summary>Every kind of bad safetensors file fails with a <see cref="BertFormatException"/> naming file and field.</summary>
public sealed class SafeTensorsMalformedTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private BertFormatException OpenFails(byte[] bytes, string? expectedField)
    {
        string path = _temp.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<BertFormatException>(() => SafeTensorsFile.Open(path).Dispose());
        Assert.Equal(path, e.File);
        Assert.Equal(expectedField, e.Field);
        Assert.StartsWith(path, e.Message);
        return e;
    }

    private static byte[] WithHeader(string json, int dataBytes) => SafeTensorsBytes.Compose(json, new byte[dataBytes]);

    private static byte[] Valid() => new SafeTensorsBytes().F32("a", [2, 3], [1, 2, 3, 4, 5, 6]).F32("b", [2], [7, 8]).ToBytes();

    [Fact]
    public void MissingFile()
    {
        string path = _temp.File("absent.safetensors");
        var e = Assert.Throws<BertFormatException>(() => SafeTensorsFile.Open(path));
        Assert.Equal(path, e.File);
        Assert.Contains("does not exist", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void FileShorterThanTheLengthField(int length) =>
        Assert.Contains("fewer than the 8-byte", OpenFails(new byte[length], "header length").Message);

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 40)]
    [InlineData(100_000_001UL)]
    public void AbsurdHeaderLengthIsRefusedBeforeAllocating(ulong length) =>
        Assert.Contains("limit", OpenFails(SafeTensorsBytes.Compose("{}", [], lengthField: length), "header length").Message);

    [Fact]
    public void HeaderLengthPastTheEndOfTheFile() =>
        Assert.Contains("past the end", OpenFails(SafeTensorsBytes.Compose("{}", new byte[4], lengthField: 100), "header length").Message);

    [Fact]
    public void TruncatedInsideTheHeader() => OpenFails(Valid()[..20], "header length");

    [Fact]
    public void TruncatedInsideTheData() =>
        Assert.Contains("run past", OpenFails(Valid()[..^3], "b").Message); // tensors are laid out in order: "b" is last

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"a\": {\"dtype\": \"F32\"")]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    public void HeaderIsNotAJsonObject(string json) => OpenFails(WithHeader(json, 0), "header");

    [Fact]
    public void HeaderIsNotUtf8()
    {
        byte[] header = [(byte)'{', 0xFF, 0xFE, (byte)'}', 32, 32, 32, 32];
        OpenFails([.. BitConverter.GetBytes((ulong)header.Length), .. header], "header");
    }

    [Fact]
    public void TensorNameIsNotUtf8()
    {
        // Found by the mutation test: JsonDocument only checks UTF-8 inside a string when it decodes it.
        byte[] json = [.. "{\"a"u8, 0xE7, .. "b\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}"u8];
        Assert.Contains("UTF-8", OpenFails([.. BitConverter.GetBytes((ulong)json.Length), .. json], "header").Message);
    }

    [Fact]
    public void OverlappingDataOffsets()
    {
        const string json = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        Assert.Contains("overlap", OpenFails(WithHeader(json, 12), "b").Message);
    }

    [Theory]
    [InlineData("[0,16]", 8, "run past")]   // beyond the buffer
    [InlineData("[8,0]", 8, "end before")]  // reversed
    [InlineData("[0,8,12]", 12, "[begin, end]")]
    [InlineData("[0,-8]", 8, "non-negative")]
    [InlineData("[0,1e3]", 8, "non-negative 64-bit integer")]
    public void BadDataOffsets(string offsets, int dataBytes, string message)
    {
        string json = $$$"""{"a":{"dtype":"F32","shape":[2],"data_offsets":{{{offsets}}}}}""";
        Assert.Contains(message, OpenFails(WithHeader(json, dataBytes), "a").Message);
    }

    [Theory]
    [InlineData("\"F7\"", "unknown dtype")]
    [InlineData("\"f32\"", "unknown dtype")]
    [InlineData("32", "dtype is missing or not a string")]
    public void BadDType(string dtype, string message)
    {
        string json = $$$"""{"a":{"dtype":{{{dtype}}},"shape":[2],"data_offsets":[0,8]}}""";
        Assert.Contains(message, OpenFails(WithHeader(json, 8), "a").Message);
    }

    [Theory]
    [InlineData("[3]", "needs 12 bytes")]                            // 3 × 4 ≠ 8
    [InlineData("[-1,2]", "non-negative")]                           // negative dimension
    [InlineData("[2.5]", "non-negative 64-bit integer")]             // fractional
    [InlineData("[4294967296,4294967296,4]", "overflows")]           // 2^32 × 2^32 × 4 × 4 bytes overflows 64 bits
    [InlineData("[18446744073709551615]", "non-negative 64-bit")]    // u64 max does not fit a signed count
    [InlineData("\"2\"", "not an array")]
    public void ShapeDoesNotMatchTheBytes(string shape, string message)
    {
        string json = $$$"""{"a":{"dtype":"F32","shape":{{{shape}}},"data_offsets":[0,8]}}""";
        Assert.Contains(message, OpenFails(WithHeader(json, 8), "a").Message);
    }

    [Fact]
    public void DuplicateTensorName()
    {
        const string json = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""";
        Assert.Contains("twice", OpenFails(WithHeader(json, 8), "a").Message);
    }

    [Fact]
    public void TensorEntryIsNotAnObject() => OpenFails(WithHeader("""{"a": 5}""", 0), "a");

    [Fact]
    public void MetadataValuesMustBeStrings() =>
        OpenFails(WithHeader("""{"__metadata__": {"format": 1}}""", 0), "__metadata__");

    [Fact]
    public void MissingTensorAndNonFloatGetAreFormatErrors()
    {
        string path = _temp.File("ok.safetensors");
        File.WriteAllBytes(path, Valid());
        using var file = SafeTensorsFile.Open(path);
        var e = Assert.Throws<BertFormatException>(() => file.GetFloats("c"));
        Assert.Equal(("c", path), (e.Field, e.File));
    }

    [Fact]
    public void ValidFileStillOpensAfterTheseChecks()
    {
        // Guards the tests above: the same builder without the defect opens fine.
        string path = _temp.File("ok.safetensors");
        File.WriteAllBytes(path, Valid());
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal([7f, 8f], file.GetFloats("b").ToArray());
    }
}
