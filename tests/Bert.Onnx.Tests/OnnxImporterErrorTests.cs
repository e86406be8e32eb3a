using Bert.Synthetic;

namespace Bert.Onnx.Tests;

/// <summary>Bad input fails with a <see cref="BertFormatException"/> naming the file (never IndexOutOfRange, an
/// allocation of a declared-but-absent length, or a hang), and leaves no output or temporary folder behind.</summary>
public sealed class OnnxImporterErrorTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly SyntheticCheckpoint _model;

    public OnnxImporterErrorTests() =>
        _model = SyntheticCheckpoint.Create(_temp["model"], new SyntheticOptions { Head = SyntheticHead.SequenceClassification, WriteOnnx = true });

    private string Vocab => Path.Combine(_model.Folder, "vocab.txt");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(5000)]
    [InlineData(-1)] // whole file but its last byte: the last weight's raw_data is cut short
    [InlineData(-4000)]
    public void Truncated_file_is_a_format_error_naming_it(int keep)
    {
        byte[] bytes = File.ReadAllBytes(_model.OnnxPath!);
        string path = _temp["truncated.onnx"];
        File.WriteAllBytes(path, bytes[..(keep > 0 ? keep : bytes.Length + keep)]);
        AssertFormatError(path);
    }

    [Fact]
    public void Empty_file_is_a_format_error() => AssertFormatError(Write("empty.onnx", []));

    [Fact]
    public void Declared_length_beyond_the_file_is_refused_before_allocating()
    {
        // ModelProto.graph (field 7, length-delimited) declaring 2^32 − 1 bytes, followed by nothing.
        var e = AssertFormatError(Write("huge.onnx", [0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]));
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_bytes_are_a_format_error(int seed)
    {
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);
        AssertFormatError(Write("random.onnx", bytes));
    }

    [Fact]
    public void Valid_onnx_without_a_bert_names_what_was_not_found()
    {
        // ModelProto{ir_version 8, graph{node{input "x", output "y", op_type "Relu"}}}.
        byte[] node = [0x0A, 0x01, (byte)'x', 0x12, 0x01, (byte)'y', 0x22, 0x04, .. "Relu"u8];
        byte[] graph = [0x0A, (byte)node.Length, .. node];
        var e = AssertFormatError(Write("relu.onnx", [0x08, 0x08, 0x3A, (byte)graph.Length, .. graph]));
        Assert.Contains("input_ids", e.Message);
    }

    [Fact]
    public void Graph_optimized_for_onnx_runtime_is_refused_with_the_reason()
    {
        // ModelProto{graph{node{input "x", output "y", op_type "SkipLayerNormalization", domain "com.microsoft"}}}.
        byte[] node = [0x0A, 0x01, (byte)'x', 0x12, 0x01, (byte)'y', 0x22, 22, .. "SkipLayerNormalization"u8, 0x3A, 13, .. "com.microsoft"u8];
        byte[] graph = [0x0A, (byte)node.Length, .. node];
        var e = AssertFormatError(Write("fused.onnx", [0x08, 0x08, 0x3A, (byte)graph.Length, .. graph]));
        Assert.Contains("SkipLayerNormalization", e.Message);
        Assert.Contains("optimized for ONNX Runtime", e.Message);
    }

    [Fact]
    public void Vocabulary_larger_than_the_embedding_table_is_refused()
    {
        string vocab = _temp["big-vocab.txt"];
        File.WriteAllLines(vocab, File.ReadAllLines(Vocab).Concat(Enumerable.Range(0, 10).Select(i => $"extra{i}")));
        var e = Assert.Throws<BertFormatException>(() => OnnxImporter.Import(_model.OnnxPath!, vocab, _temp["out"]));
        Assert.Equal(vocab, e.File);
        AssertNothingLeft();
    }

    [Fact]
    public void Non_empty_output_folder_is_refused_unless_overwrite()
    {
        Directory.CreateDirectory(_temp["out"]);
        File.WriteAllText(_temp["out/keep.txt"], "mine");
        Assert.Throws<IOException>(() => OnnxImporter.Import(_model.OnnxPath!, Vocab, _temp["out"]));

        var result = OnnxImporter.Import(_model.OnnxPath!, Vocab, _temp["out"], new OnnxImportOptions { Overwrite = true });
        Assert.Equal("mine", File.ReadAllText(_temp["out/keep.txt"]));
        Assert.Equal(["BertForSequenceClassification"], result.Config.Architectures);
        Assert.All(result.Files, f => Assert.True(Path.Exists(Path.Combine(_temp["out"], f)), f));
    }

    [Fact]
    public void Inconsistent_options_are_argument_errors()
    {
        Assert.Throws<ArgumentException>(() => OnnxImporter.Import(_model.OnnxPath!, Vocab, _temp["out"], new OnnxImportOptions { Normalize = true }));
        Assert.Throws<ArgumentException>(() => OnnxImporter.Import(_model.OnnxPath!, Vocab, _temp["out"], new OnnxImportOptions { Pooling = BertPooling.Pooler }));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxImporter.Import(_model.OnnxPath!, Vocab, _temp["out"], new OnnxImportOptions { Pooling = BertPooling.Cls, MaxSeqLength = 0 }));
        Assert.Throws<FileNotFoundException>(() => OnnxImporter.Import(_temp["missing.onnx"], Vocab, _temp["out"]));
        AssertNothingLeft();
    }

    private string Write(string name, byte[] bytes)
    {
        File.WriteAllBytes(_temp[name], bytes);
        return _temp[name];
    }

    private BertFormatException AssertFormatError(string path)
    {
        var e = Assert.Throws<BertFormatException>(() => OnnxImporter.Import(path, Vocab, _temp["out"]));
        Assert.Equal(path, e.File);
        AssertNothingLeft();
        return e;
    }

    // No output folder and no temporary import folder beside it.
    private void AssertNothingLeft()
    {
        Assert.False(Directory.Exists(_temp["out"]));
        Assert.Empty(Directory.GetDirectories(_temp.Path, ".out.import-*"));
    }
}
