using Bert.Loading;
using Bert.Synthetic;

namespace Bert.Onnx.Tests;

/// <summary>Weights kept in an external data file beside the model (how exports above 2 GiB are stored) import to the
/// same tensors; a missing, escaping or short data file is a format error.</summary>
public sealed class ExternalDataTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly SyntheticCheckpoint _model;

    public ExternalDataTests()
    {
        _model = SyntheticCheckpoint.Create(_temp["model"], new SyntheticOptions { Head = SyntheticHead.MaskedLM, Decoder = MlmDecoderStorage.Untied, WriteOnnx = true });
        Directory.CreateDirectory(_temp["external"]);
    }

    private string Vocab => Path.Combine(_model.Folder, "vocab.txt");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void External_weights_import_to_the_original_tensors()
    {
        string onnx = _temp["external/model.onnx"];
        ExternalDataWriter.Write(_model.OnnxPath!, onnx, _temp["external/model.onnx_data"], "model.onnx_data");
        Assert.True(new FileInfo(onnx).Length < new FileInfo(_model.OnnxPath!).Length / 10); // the weights really moved out

        OnnxImporter.Import(onnx, Vocab, _temp["out"]);

        using var expected = SafeTensorsFile.Open(_model.WeightFiles[0]);
        using var actual = SafeTensorsFile.Open(_temp["out/model.safetensors"]);
        Assert.Equal(expected.Tensors.Keys.Order(StringComparer.Ordinal), actual.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var name in expected.Tensors.Keys)
            Assert.True(expected.GetFloats(name).Span.SequenceEqual(actual.GetFloats(name).Span), name); // exact copy
    }

    [Theory]
    [InlineData("../escape.bin")]
    [InlineData("missing.bin")]
    public void Data_file_outside_the_folder_or_missing_is_a_format_error(string location)
    {
        string onnx = _temp["external/model.onnx"];
        ExternalDataWriter.Write(_model.OnnxPath!, onnx, _temp["escape.bin"], location);
        var e = Assert.Throws<BertFormatException>(() => OnnxImporter.Import(onnx, Vocab, _temp["out"]));
        Assert.Contains(location, e.Message);
        Assert.False(Directory.Exists(_temp["out"]));
    }

    [Fact]
    public void Short_data_file_is_a_format_error()
    {
        string onnx = _temp["external/model.onnx"], data = _temp["external/model.onnx_data"];
        ExternalDataWriter.Write(_model.OnnxPath!, onnx, data, "model.onnx_data");
        using (var stream = File.OpenWrite(data)) stream.SetLength(stream.Length - 3);
        var e = Assert.Throws<BertFormatException>(() => OnnxImporter.Import(onnx, Vocab, _temp["out"]));
        Assert.Contains("truncated", e.Message);
        Assert.False(Directory.Exists(_temp["out"]));
    }
}
