using System.Text;
using Bert.Loading;
using Bert.Synthetic;
using Bert.Tests.Loading;
using Bert.Tokenization;

namespace Bert.Tests.Hardening;

/// <summary>One test per defect found by the hardening review (issue 12); each failed before its fix.</summary>
public sealed class RegressionTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Tiny(string name, SyntheticHead head = SyntheticHead.BertModel)
    {
        string folder = _temp.Folder(name);
        SyntheticCheckpoint.Create(folder, new SyntheticOptions { Head = head, Seed = 4 });
        return folder;
    }

    private static BertFormatException LoadFails(string folder) => Assert.Throws<BertFormatException>(() => BertModel.Load(folder).Dispose());

    [Theory]
    [InlineData("tokenizer_config.json", "[]")]
    [InlineData("tokenizer_config.json", "\"x\"")]
    [InlineData("tokenizer_config.json", "{\"do_lower_case\": true, \"unk_token\": \"\\ud800\"}")]
    [InlineData("config.json", null)] // hidden_act made a lone surrogate below
    public void WrongJsonTypesAndLoneSurrogatesAreFormatErrors(string file, string? content)
    {
        string folder = Tiny("json");
        string path = Path.Combine(folder, file);
        File.WriteAllText(path, content ?? File.ReadAllText(path).Replace("\"gelu\"", "\"\\ud800\""));
        var e = LoadFails(folder);
        Assert.EndsWith(file, e.File);
    }

    [Theory]
    [InlineData("\"added_tokens\": [", "\"added_tokens\": [\"x\", ")]
    [InlineData("\"normalizer\": {", "\"normalizer\": \"x\", \"unused\": {")]
    public void TokenizerJsonItemsOfTheWrongShapeAreFormatErrors(string find, string replace)
    {
        string folder = Tiny("tj");
        string path = Path.Combine(folder, "tokenizer.json");
        string json = File.ReadAllText(path);
        Assert.Contains(find, json);
        File.WriteAllText(path, json.Replace(find, replace));
        var e = LoadFails(folder);
        Assert.EndsWith("tokenizer.json", e.File);
    }

    [Fact]
    public void SafetensorsHeaderKeyWithLoneSurrogateIsAFormatError()
    {
        string path = _temp.File("s.safetensors");
        var bytes = new SafeTensorsBytes().F32("a\ud800b", [1], [1f]).ToBytes();
        // Utf8JsonWriter escapes the lone surrogate as \ud800 (or refuses it); write the escape by hand to be sure.
        string header = Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes));
        if (!header.Contains("\\ud800", StringComparison.OrdinalIgnoreCase))
            header = "{\"a\\ud800b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. Encoding.UTF8.GetBytes(header), .. new byte[4]]);
        Assert.Throws<BertFormatException>(() => SafeTensorsFile.Open(path).Dispose());
    }

    [Fact]
    public void TokenizerIdsPastVocabSizeFailAtLoadNamingTheVocabulary()
    {
        string folder = Tiny("vocab");
        File.Delete(Path.Combine(folder, "tokenizer.json"));
        File.AppendAllText(Path.Combine(folder, "vocab.txt"), "\nzzzextra");
        var e = LoadFails(folder);
        Assert.EndsWith("vocab.txt", e.File);
        Assert.Contains("vocab_size", e.Message);
    }

    [Fact]
    public void HugeLayerCountFailsBeforeAllocating()
    {
        string folder = Tiny("layers");
        string path = Path.Combine(folder, "config.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1073741824"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = LoadFails(folder);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("num_hidden_layers", e.Field);
        Assert.True(allocated < 50 << 20, $"{allocated} bytes allocated before failing"); // the folder itself is ~1 MB

        File.WriteAllText(path, File.ReadAllText(path).Replace("1073741824", "3"));
        Assert.Equal("num_hidden_layers", LoadFails(folder).Field); // within bounds, but layer 2 is missing
    }

    [Fact]
    public void HeaderWithAHugeShapeAllocatesNoMoreThanAValidHeaderOfTheSameSize()
    {
        var hostile = new StringBuilder("{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,4],\"shape\":[");
        for (int i = 0; i < 2_000_000; i++) hostile.Append(i == 0 ? "1" : ",1");
        hostile.Append("]}}");
        long hostileBytes = AllocatedByOpening(_temp.File("shape.safetensors"), hostile.ToString(), 4, expectError: true);

        // A valid header of about the same size: many (empty) tensors, as a big real checkpoint has.
        var valid = new StringBuilder("{");
        for (int i = 0; valid.Length < hostile.Length; i++)
            valid.Append(i == 0 ? "" : ",").Append($"\"encoder.layer.{i}.attention.self.query.weight\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        valid.Append('}');
        long validBytes = AllocatedByOpening(_temp.File("valid.safetensors"), valid.ToString(), 0, expectError: false);
        // Before the fix the hostile header cost ~40× its size (an 8-byte long per shape entry plus a path string per
        // array item); now the parser's own index dominates. 3× a valid header's cost is the "small multiple".
        Assert.True(hostileBytes < 3 * validBytes, $"hostile header: {hostileBytes} bytes allocated; valid header of the same size: {validBytes}");
    }

    private static long AllocatedByOpening(string path, string header, int dataBytes, bool expectError)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. new byte[dataBytes]]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        if (expectError) Assert.Contains("shape", Assert.Throws<BertFormatException>(() => SafeTensorsFile.Open(path).Dispose()).Message);
        else SafeTensorsFile.Open(path).Dispose();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void TooManyTensorsAndOversizedHeadersAreRejected()
    {
        string path = _temp.File("many.safetensors");
        var header = new StringBuilder("{");
        for (int i = 0; i <= SafeTensorsHeader.MaxTensors; i++) header.Append(i == 0 ? "" : ",").Append($"\"t{i}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        header.Append('}');
        byte[] json = Encoding.UTF8.GetBytes(header.ToString());
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json]);
        Assert.Contains("tensors", Assert.Throws<BertFormatException>(() => SafeTensorsFile.Open(path).Dispose()).Message);

        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)SafeTensorsHeader.MaxHeaderBytes + 1), .. new byte[64]]);
        Assert.Equal("header length", Assert.Throws<BertFormatException>(() => SafeTensorsFile.Open(path).Dispose()).Field);
    }

    [Theory]
    [InlineData(-1)] // header length one byte short: every tensor would be read one byte early
    [InlineData(+1)] // one byte long
    public void ShiftedHeaderLengthDoesNotLoad(int shift)
    {
        string path = _temp.File("shift.safetensors");
        byte[] bytes = new SafeTensorsBytes { HeaderAlignment = 1 }.F32("a", [2], [1f, 2f]).F32("b", [1], [3f]).ToBytes();
        ulong n = BitConverter.ToUInt64(bytes);
        BitConverter.GetBytes((ulong)((long)n + shift)).CopyTo(bytes, 0);
        Assert.Throws<BertFormatException>(() => SafeTensorsFile.Open(path = Write(path, bytes)).Dispose());
    }

    [Fact]
    public void GapsAndTrailingBytesDoNotLoad()
    {
        byte[] valid = new SafeTensorsBytes().F32("a", [1], [1f]).ToBytes();
        Assert.Throws<BertFormatException>(() => SafeTensorsFile.Open(Write(_temp.File("trail.safetensors"), [.. valid, 0])).Dispose());
        string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        byte[] gap = [.. BitConverter.GetBytes((ulong)header.Length), .. Encoding.UTF8.GetBytes(header), .. new byte[8]];
        Assert.Throws<BertFormatException>(() => SafeTensorsFile.Open(Write(_temp.File("gap.safetensors"), gap)).Dispose());
    }

    [Fact]
    public void DuplicateKeysInsideATensorEntryAreRejected()
    {
        string header = "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        byte[] bytes = [.. BitConverter.GetBytes((ulong)header.Length), .. Encoding.UTF8.GetBytes(header), .. new byte[4]];
        var e = Assert.Throws<BertFormatException>(() => SafeTensorsFile.Open(Write(_temp.File("dup.safetensors"), bytes)).Dispose());
        Assert.Contains("twice", e.Message);
    }

    [Fact]
    public void ForwardFromInsideTheObserverThrowsAndLeavesTheOuterCallIntact()
    {
        using var model = BertModel.Load(Tiny("reenter"));
        int[] ids = [101, 7, 8, 102];
        var expected = new float[ids.Length * model.Config.HiddenSize];
        model.Forward(new BertInput(ids, default, default, 1, ids.Length), new BertOutputs { LastHiddenState = expected });
        Exception? inner = null;
        model.Observer = (name, _, _, _) =>
        {
            if (name != "embeddings") return;
            var scratch = new float[expected.Length];
            inner = Record.Exception(() => model.Forward(new BertInput(ids, default, default, 1, ids.Length), new BertOutputs { LastHiddenState = scratch }));
        };
        var actual = new float[expected.Length];
        model.Forward(new BertInput(ids, default, default, 1, ids.Length), new BertOutputs { LastHiddenState = actual });
        Assert.IsType<InvalidOperationException>(inner);
        Assert.Equal(expected, actual); // bit-identical: the rejected inner call touched nothing
    }

    [Fact]
    public void HalfPresentHeadIsAnErrorNamingTheMissingTensor()
    {
        string folder = Tiny("half");
        string path = Path.Combine(folder, "model.safetensors");
        using (var file = SafeTensorsFile.Open(path))
        {
            var tensors = file.Tensors.Values.Where(t => !t.Name.EndsWith("pooler.dense.weight"))
                .Select(t => (t.Name, t.Shape.Select(d => (int)d).ToArray(), file.GetFloats(t.Name).ToArray())).ToList();
            SafeTensorsWriter.WriteFile(path + ".new", tensors);
        }
        File.Move(path + ".new", path, overwrite: true);
        Assert.Contains("pooler.dense.weight", LoadFails(folder).Message);
    }

    [Fact]
    public void InvalidUtf8InVocabTxtIsAFormatError()
    {
        var e = Assert.Throws<BertFormatException>(() => BertTokenizer.FromVocabFile(new MemoryStream([.. "[PAD]\n[UNK]\n"u8, 0xC3, 0x28, (byte)'\n'])));
        Assert.Contains("UTF-8", e.Message);
    }

    [Fact]
    public void TinyModelMaxLengthIsAFormatErrorAtLoad()
    {
        string folder = Tiny("mml");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{\"model_max_length\": 2}");
        Assert.Equal("model_max_length", LoadFails(folder).Field);
    }

    [Fact]
    public void EnumArgumentsAndPaddingLengthsAreValidated()
    {
        var tokenizer = BertTokenizer.Load(Tiny("enums"));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Encode("a", truncation: (TruncationStrategy)42));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Encode("a", padding: (PaddingStrategy)42));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Encode("a", maxLength: int.MaxValue, padding: PaddingStrategy.MaxLength));
    }

    [Fact]
    public void OversizedVocabAndTokenizerFilesAreRefusedBeforeBeingRead()
    {
        var lines = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, Vocabulary.MaxTokens + 1).Select(i => "t" + i))));
        Assert.Contains("lines", Assert.Throws<BertFormatException>(() => BertTokenizer.FromVocabFile(lines)).Message);
        var huge = new MemoryStream(new byte[(int)JsonFile.MaxBytes + 1]);
        Assert.Contains("limit", Assert.Throws<BertFormatException>(() => BertTokenizer.FromTokenizerJson(huge)).Message);
    }

    private static string Write(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
