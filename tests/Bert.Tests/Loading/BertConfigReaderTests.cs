using Bert.Loading;

namespace Bert.Tests.Loading;

public sealed class BertConfigReaderTests
{
    [Fact]
    public void EmptyObjectTakesTheTransformersDefaults()
    {
        // Defaults of transformers' BertConfig.__init__ (configuration_bert.py), written out by hand.
        var c = BertConfigReader.Parse("{}");
        Assert.Equal(30522, c.VocabSize);
        Assert.Equal(768, c.HiddenSize);
        Assert.Equal(12, c.NumHiddenLayers);
        Assert.Equal(12, c.NumAttentionHeads);
        Assert.Equal(3072, c.IntermediateSize);
        Assert.Equal("gelu", c.HiddenAct);
        Assert.Equal(512, c.MaxPositionEmbeddings);
        Assert.Equal(2, c.TypeVocabSize);
        Assert.Equal(1e-12f, c.LayerNormEps);
        Assert.Equal(0, c.PadTokenId);
        Assert.Equal("absolute", c.PositionEmbeddingType);
        Assert.Empty(c.Architectures);
        Assert.Empty(c.Id2Label);
        Assert.Empty(c.Label2Id);
        Assert.Equal(64, c.HeadSize);
    }

    [Fact]
    public void EveryKeyIsRead()
    {
        // A config.json as transformers saves a fine-tuned classifier (id2label keys are strings), plus keys we ignore.
        const string json = """
            {
              "_name_or_path": "x", "architectures": ["BertForSequenceClassification"], "attention_probs_dropout_prob": 0.1,
              "classifier_dropout": null, "hidden_act": "gelu_new", "hidden_dropout_prob": 0.1, "hidden_size": 48,
              "id2label": {"0": "NEGATIVE", "1": "POSITIVE", "2": "NEUTRAL"}, "initializer_range": 0.02,
              "intermediate_size": 100, "label2id": {"NEGATIVE": 0, "POSITIVE": 1, "NEUTRAL": 2},
              "layer_norm_eps": 1e-07, "max_position_embeddings": 128, "model_type": "bert", "num_attention_heads": 3,
              "num_hidden_layers": 5, "pad_token_id": 4, "position_embedding_type": "absolute", "torch_dtype": "float32",
              "transformers_version": "4.46.0", "type_vocab_size": 1, "use_cache": true, "vocab_size": 997
            }
            """;
        var c = BertConfigReader.Parse(json);
        Assert.Equal((997, 48, 5, 3, 100, 128, 1, 4), (c.VocabSize, c.HiddenSize, c.NumHiddenLayers, c.NumAttentionHeads,
            c.IntermediateSize, c.MaxPositionEmbeddings, c.TypeVocabSize, c.PadTokenId));
        Assert.Equal("gelu_new", c.HiddenAct);
        Assert.Equal(1e-7f, c.LayerNormEps);
        Assert.Equal(16, c.HeadSize);
        Assert.Equal(["BertForSequenceClassification"], c.Architectures);
        Assert.Equal("NEUTRAL", c.Id2Label[2]);
        Assert.Equal(3, c.Id2Label.Count);
        Assert.Equal(1, c.Label2Id["POSITIVE"]);
    }

    [Theory]
    [InlineData("gelu")]
    [InlineData("gelu_new")]
    [InlineData("gelu_pytorch_tanh")]
    [InlineData("relu")]
    public void SupportedActivations(string act) => Assert.Equal(act, BertConfigReader.Parse($$"""{"hidden_act": "{{act}}"}""").HiddenAct);

    [Fact]
    public void NullMeansDefault() =>
        Assert.Equal(0, BertConfigReader.Parse("""{"pad_token_id": null, "architectures": null, "id2label": null}""").PadTokenId);

    [Theory]
    [InlineData("""{"hidden_size": 10, "num_attention_heads": 3}""", "num_attention_heads", "not divisible")]
    [InlineData("""{"vocab_size": 0}""", "vocab_size", "positive")]
    [InlineData("""{"hidden_size": -768}""", "hidden_size", "positive")]
    [InlineData("""{"num_hidden_layers": 0}""", "num_hidden_layers", "positive")]
    [InlineData("""{"num_attention_heads": 0}""", "num_attention_heads", "positive")]
    [InlineData("""{"intermediate_size": 0}""", "intermediate_size", "positive")]
    [InlineData("""{"max_position_embeddings": 0}""", "max_position_embeddings", "positive")]
    [InlineData("""{"type_vocab_size": 0}""", "type_vocab_size", "positive")]
    [InlineData("""{"hidden_act": "swish"}""", "hidden_act", "not supported")]
    [InlineData("""{"hidden_act": "GELU"}""", "hidden_act", "not supported")]
    [InlineData("""{"position_embedding_type": "relative_key"}""", "position_embedding_type", "only 'absolute'")]
    [InlineData("""{"vocab_size": "big"}""", "vocab_size", "32-bit integer")]
    [InlineData("""{"vocab_size": 1.5}""", "vocab_size", "32-bit integer")]
    [InlineData("""{"vocab_size": 3000000000}""", "vocab_size", "32-bit integer")]
    [InlineData("""{"layer_norm_eps": 0}""", "layer_norm_eps", "finite positive")]
    [InlineData("""{"layer_norm_eps": "1e-12"}""", "layer_norm_eps", "a number")]
    [InlineData("""{"layer_norm_eps": 1e999}""", "layer_norm_eps", "finite positive")]
    [InlineData("""{"layer_norm_eps": 1e-60}""", "layer_norm_eps", "finite positive")]
    [InlineData("""{"pad_token_id": 30522}""", "pad_token_id", "outside the vocabulary")]
    [InlineData("""{"pad_token_id": -1}""", "pad_token_id", "outside the vocabulary")]
    [InlineData("""{"id2label": {"x": "a"}}""", "id2label", "non-negative integer")]
    [InlineData("""{"id2label": {"-1": "a"}}""", "id2label", "non-negative integer")]
    [InlineData("""{"id2label": {"0": 5}}""", "id2label", "string label")]
    [InlineData("""{"id2label": ["a"]}""", "id2label", "an object")]
    [InlineData("""{"label2id": {"a": "0"}}""", "label2id", "integer id")]
    [InlineData("""{"architectures": "BertModel"}""", "architectures", "array of strings")]
    [InlineData("""{"architectures": [1]}""", "architectures", "string element")]
    [InlineData("""{"model_type": "roberta"}""", "model_type", "not a BERT model")]
    public void InvalidValuesNameTheKey(string json, string field, string message)
    {
        var e = Assert.Throws<BertFormatException>(() => BertConfigReader.Parse(json, "cfg/config.json"));
        Assert.Equal("cfg/config.json", e.File);
        Assert.Equal(field, e.Field);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("{\"vocab_size\": 5")]
    [InlineData("[]")]
    [InlineData("")]
    public void NotAJsonObject(string json)
    {
        var e = Assert.Throws<BertFormatException>(() => BertConfigReader.Parse(json, "config.json"));
        Assert.Equal("config.json", e.File);
    }

    [Fact]
    public void MissingFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "bert-no-such-folder-" + Guid.NewGuid().ToString("N"), "config.json");
        var e = Assert.Throws<BertFormatException>(() => BertConfigReader.Read(path));
        Assert.Equal(path, e.File);
        Assert.Contains("does not exist", e.Message);
    }
}
