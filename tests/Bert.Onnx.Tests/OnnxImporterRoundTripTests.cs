using Bert.Loading;
using Bert.Synthetic;

namespace Bert.Onnx.Tests;

/// <summary>
/// Round trip: a synthetic checkpoint (the independent reference: its config and safetensors) also written as an ONNX
/// graph of standard operators; importing that graph must give back the same config and bit-identical tensors under the
/// same names. Nothing in the expected values comes from the importer.
/// </summary>
public sealed class OnnxImporterRoundTripTests
{
    public static TheoryData<SyntheticHead, string, float, MlmDecoderStorage> Cases => new()
    {
        { SyntheticHead.BertModel, "gelu", 1e-12f, MlmDecoderStorage.Tied },
        { SyntheticHead.BertModel, "gelu_new", 1e-5f, MlmDecoderStorage.Tied },
        { SyntheticHead.BertModel, "relu", 1e-3f, MlmDecoderStorage.Tied },
        { SyntheticHead.MaskedLM, "gelu", 1e-12f, MlmDecoderStorage.Tied },
        { SyntheticHead.MaskedLM, "gelu_pytorch_tanh", 1e-6f, MlmDecoderStorage.Untied },
        { SyntheticHead.PreTraining, "gelu", 1e-12f, MlmDecoderStorage.Tied },
        { SyntheticHead.NextSentencePrediction, "relu", 1e-12f, MlmDecoderStorage.Tied },
        { SyntheticHead.SequenceClassification, "gelu", 1e-7f, MlmDecoderStorage.Tied },
        { SyntheticHead.TokenClassification, "gelu_new", 1e-12f, MlmDecoderStorage.Tied },
        { SyntheticHead.QuestionAnswering, "gelu", 1e-12f, MlmDecoderStorage.Tied },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Import_recovers_config_and_identical_tensors(SyntheticHead head, string activation, float eps, MlmDecoderStorage decoder)
    {
        using var temp = new TempFolder();
        var options = new SyntheticOptions
        {
            Config = SyntheticPresets.Tiny with { HiddenAct = activation, LayerNormEps = eps, NumAttentionHeads = 8 },
            Head = head, NumLabels = 3, Decoder = decoder, WriteOnnx = true, Seed = 7,
        };
        var original = SyntheticCheckpoint.Create(temp["original"], options);

        var result = OnnxImporter.Import(original.OnnxPath!, Path.Combine(original.Folder, "vocab.txt"), temp["imported"]);

        var expected = BertConfigReader.Read(Path.Combine(original.Folder, "config.json"));
        var actual = BertConfigReader.Read(Path.Combine(temp["imported"], "config.json"));
        AssertSameConfig(expected, actual);
        AssertSameConfig(actual, result.Config);
        AssertSameConfig(actual, OnnxImporter.ReadConfig(original.OnnxPath!));
        Assert.Contains("\"do_lower_case\": true", File.ReadAllText(Path.Combine(temp["imported"], "tokenizer_config.json"))); // uncased vocabulary
        AssertSameTensors(original.WeightFiles[0], Path.Combine(temp["imported"], "model.safetensors"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(original.Folder, "vocab.txt")), File.ReadAllBytes(Path.Combine(temp["imported"], "vocab.txt")));
    }

    [Fact]
    public void Imported_folder_loads_and_runs_as_the_original()
    {
        using var temp = new TempFolder();
        var original = SyntheticCheckpoint.Create(temp["original"], new SyntheticOptions { Head = SyntheticHead.MaskedLM, WriteOnnx = true });
        OnnxImporter.Import(original.OnnxPath!, Path.Combine(original.Folder, "vocab.txt"), temp["imported"]);

        using var a = BertModel.Load(original.Folder);
        using var b = BertModel.Load(temp["imported"]);
        var x = a.FillMask("the [MASK] sat on the mat.")[0];
        var y = b.FillMask("the [MASK] sat on the mat.")[0];
        // Same weights, same config, same code: bit-identical predictions.
        Assert.Equal(x.Select(p => (p.Token, p.Score)), y.Select(p => (p.Token, p.Score)));
    }

    private static void AssertSameConfig(BertConfig expected, BertConfig actual)
    {
        // gelu_new and gelu_pytorch_tanh are one function (½x(1 + tanh(√(2/π)(x + 0.044715x³)))): a graph cannot tell them apart.
        string act = expected.HiddenAct == "gelu_pytorch_tanh" ? "gelu_new" : expected.HiddenAct;
        Assert.Equal(act, actual.HiddenAct);
        Assert.Equal(Sizes(expected), Sizes(actual));
        Assert.Equal(expected.LayerNormEps, actual.LayerNormEps); // exact: ε is read from the graph's float constant
        Assert.Equal(expected.Architectures, actual.Architectures);
        Assert.Equal(expected.Id2Label.OrderBy(p => p.Key), actual.Id2Label.OrderBy(p => p.Key));
        Assert.Equal(expected.Label2Id.OrderBy(p => p.Key), actual.Label2Id.OrderBy(p => p.Key));
    }

    private static (int, int, int, int, int, int, int, int, string) Sizes(BertConfig c) =>
        (c.VocabSize, c.HiddenSize, c.NumHiddenLayers, c.NumAttentionHeads, c.IntermediateSize, c.MaxPositionEmbeddings, c.TypeVocabSize, c.PadTokenId, c.PositionEmbeddingType);

    private static void AssertSameTensors(string expectedPath, string actualPath)
    {
        using var expected = SafeTensorsFile.Open(expectedPath);
        using var actual = SafeTensorsFile.Open(actualPath);
        Assert.Equal(expected.Tensors.Keys.Order(StringComparer.Ordinal), actual.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, info) in expected.Tensors)
        {
            Assert.Equal(info.Shape, actual.Tensors[name].Shape);
            // Exact: the importer only moves and transposes F32 values.
            Assert.True(expected.GetFloats(name).Span.SequenceEqual(actual.GetFloats(name).Span), $"tensor '{name}' differs");
        }
    }
}
