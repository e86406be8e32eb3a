using System.Buffers.Binary;
using System.Text.Json;
using Bert.Loading;
using Bert.Synthetic;
using Microsoft.ML.Tokenizers;

namespace Bert.Tests.Synthetic;

// The checkpoint folder against transformers' conventions, read back with an independent minimal safetensors parser.
public sealed class SyntheticCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synth-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SameSeedGivesIdenticalBytesAndAnotherSeedDoesNot()
    {
        var options = new SyntheticOptions { Head = SyntheticHead.PreTraining, WriteOnnx = true, Seed = 42 };
        var a = SyntheticCheckpoint.Create(Path.Combine(_dir, "a"), options);
        var b = SyntheticCheckpoint.Create(Path.Combine(_dir, "b"), options);
        var c = SyntheticCheckpoint.Create(Path.Combine(_dir, "c"), options with { Seed = 43 });
        foreach (var file in Directory.GetFiles(a.Folder).Select(Path.GetFileName))
            Assert.Equal(File.ReadAllBytes(Path.Combine(a.Folder, file!)), File.ReadAllBytes(Path.Combine(b.Folder, file!)));
        Assert.NotEqual(File.ReadAllBytes(a.WeightFiles[0]), File.ReadAllBytes(c.WeightFiles[0]));
        Assert.NotEqual(File.ReadAllBytes(a.OnnxPath!), File.ReadAllBytes(c.OnnxPath!));
    }

    [Fact]
    public void WeightsFollowTheDocumentedInitialisation()
    {
        var options = new SyntheticOptions();
        var c = options.Config;
        var tensors = ReadSafeTensors(SyntheticCheckpoint.Create(_dir, options).WeightFiles[0]);
        var words = tensors["embeddings.word_embeddings.weight"].Values;
        Assert.All(words[..c.HiddenSize], v => Assert.Equal(0f, v)); // HF zeroes the padding_idx row (pad_token_id 0)
        // 32 704 samples of N(0, 0.02²): the sample std is within 2 % (≈ 5 standard errors) and the mean within 0.001.
        var rest = words[c.HiddenSize..];
        double mean = rest.Average(v => (double)v), std = Math.Sqrt(rest.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -1e-3, 1e-3);
        Assert.InRange(std, 0.0196, 0.0204);
        var gamma = tensors["encoder.layer.1.output.LayerNorm.weight"].Values;   // 1 + N(0, 0.1²)
        Assert.InRange(gamma.Average(v => (double)v), 0.95, 1.05);
        Assert.Contains(gamma, v => v != 1f);
        Assert.Contains(tensors["encoder.layer.0.attention.self.query.bias"].Values, v => v != 0f); // biases are random
    }

    [Theory]
    [InlineData(SyntheticHead.BertModel, TensorNamePrefix.Auto, false, "embeddings.LayerNorm.weight", "pooler.dense.weight", null)]
    [InlineData(SyntheticHead.SequenceClassification, TensorNamePrefix.Auto, false, "bert.pooler.dense.weight", "classifier.weight", null)]
    [InlineData(SyntheticHead.TokenClassification, TensorNamePrefix.Auto, false, "bert.encoder.layer.1.output.dense.bias", "classifier.bias", "bert.pooler.dense.weight")]
    [InlineData(SyntheticHead.QuestionAnswering, TensorNamePrefix.None, false, "encoder.layer.0.attention.self.key.weight", "qa_outputs.weight", "pooler.dense.bias")]
    [InlineData(SyntheticHead.MaskedLM, TensorNamePrefix.Auto, true, "bert.embeddings.LayerNorm.gamma", "cls.predictions.transform.LayerNorm.beta", "cls.predictions.decoder.weight")]
    [InlineData(SyntheticHead.BertModel, TensorNamePrefix.Bert, true, "bert.encoder.layer.0.output.LayerNorm.gamma", "bert.pooler.dense.bias", "embeddings.LayerNorm.weight")]
    [InlineData(SyntheticHead.NextSentencePrediction, TensorNamePrefix.Auto, false, "bert.pooler.dense.weight", "cls.seq_relationship.weight", "cls.predictions.bias")]
    public void NamesFollowTheHeadAndNamingOptions(SyntheticHead head, TensorNamePrefix prefix, bool legacy, string present, string alsoPresent, string? absent)
    {
        var checkpoint = SyntheticCheckpoint.Create(_dir, new SyntheticOptions { Head = head, Prefix = prefix, LegacyLayerNormNames = legacy, NumLabels = 5 });
        var names = ReadSafeTensors(checkpoint.WeightFiles[0]).Keys.ToHashSet();
        Assert.Contains(present, names);
        Assert.Contains(alsoPresent, names);
        if (absent is not null) Assert.DoesNotContain(absent, names);
        Assert.Equal(checkpoint.TensorNames.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ShapesAreTransformersShapes()
    {
        var options = new SyntheticOptions { Head = SyntheticHead.SequenceClassification, NumLabels = 3 };
        var c = options.Config;
        var t = ReadSafeTensors(SyntheticCheckpoint.Create(_dir, options).WeightFiles[0]);
        Assert.Equal([c.VocabSize, c.HiddenSize], t["bert.embeddings.word_embeddings.weight"].Shape);
        Assert.Equal([c.MaxPositionEmbeddings, c.HiddenSize], t["bert.embeddings.position_embeddings.weight"].Shape);
        Assert.Equal([c.IntermediateSize, c.HiddenSize], t["bert.encoder.layer.0.intermediate.dense.weight"].Shape);
        Assert.Equal([c.HiddenSize, c.IntermediateSize], t["bert.encoder.layer.0.output.dense.weight"].Shape);
        Assert.Equal([3, c.HiddenSize], t["classifier.weight"].Shape);
        Assert.Equal([3], t["classifier.bias"].Shape);
        // 5 embedding tensors + 16 per layer + pooler 2 + classifier 2.
        Assert.Equal(5 + 16 * c.NumHiddenLayers + 4, t.Count);
    }

    [Theory]
    [InlineData(MlmDecoderStorage.Tied, false)]
    [InlineData(MlmDecoderStorage.TiedStored, true)]
    [InlineData(MlmDecoderStorage.Untied, true)]
    public void MlmDecoderIsOmittedCopiedOrIndependent(MlmDecoderStorage decoder, bool stored)
    {
        var checkpoint = SyntheticCheckpoint.Create(_dir, new SyntheticOptions { Head = SyntheticHead.MaskedLM, Decoder = decoder });
        var t = ReadSafeTensors(checkpoint.WeightFiles[0]);
        Assert.Equal(stored, t.ContainsKey("cls.predictions.decoder.weight"));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "config.json")));
        Assert.Equal(decoder == MlmDecoderStorage.Untied, config.RootElement.TryGetProperty("tie_word_embeddings", out _));
        if (!stored) return;
        bool equal = t["cls.predictions.decoder.weight"].Values.SequenceEqual(t["bert.embeddings.word_embeddings.weight"].Values);
        Assert.Equal(decoder == MlmDecoderStorage.TiedStored, equal);
    }

    [Theory]
    [InlineData(SafeTensorDType.F16)]
    [InlineData(SafeTensorDType.BF16)]
    public void HalfCheckpointsStoreExactlyTheValuesTheOnnxGraphUses(SafeTensorDType dtype)
    {
        var options = new SyntheticOptions { DType = dtype };
        var t = ReadSafeTensors(SyntheticCheckpoint.Create(_dir, options).WeightFiles[0]);
        var stored = t["encoder.layer.0.attention.self.query.weight"];
        Assert.Equal(dtype.ToString(), stored.DType);
        Assert.Equal(SyntheticCheckpoint.GenerateTensor(options, "encoder.layer.0.attention.self.query.weight"), stored.Values);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "config.json")));
        Assert.Equal(dtype == SafeTensorDType.F16 ? "float16" : "bfloat16", config.RootElement.GetProperty("torch_dtype").GetString());
    }

    [Fact]
    public void ShardsHaveAnIndexCoveringEveryTensorOnce()
    {
        var checkpoint = SyntheticCheckpoint.Create(_dir, new SyntheticOptions { Head = SyntheticHead.MaskedLM, Shards = 3 });
        Assert.Equal(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"],
            checkpoint.WeightFiles.Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(_dir, "model.safetensors")));
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "model.safetensors.index.json")));
        var map = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        long total = 0;
        foreach (var file in checkpoint.WeightFiles)
        {
            var tensors = ReadSafeTensors(file);
            Assert.NotEmpty(tensors);
            foreach (var (name, tensor) in tensors)
            {
                Assert.Equal(Path.GetFileName(file), map[name]);
                total += tensor.Values.Length * 4L;
            }
        }
        Assert.Equal(checkpoint.TensorNames.Order(StringComparer.Ordinal), map.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(total, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
    }

    [Fact]
    public void ConfigJsonHasTransformersKeysAndLabels()
    {
        var options = new SyntheticOptions { Head = SyntheticHead.SequenceClassification, NumLabels = 2, LabelNames = ["NEGATIVE", "POSITIVE"] };
        SyntheticCheckpoint.Create(_dir, options);
        string text = File.ReadAllText(Path.Combine(_dir, "config.json"));
        Assert.Contains("\n  \"architectures\": [\n    \"BertForSequenceClassification\"\n  ],\n", text); // json.dumps(indent=2)
        Assert.Contains("\"layer_norm_eps\": 1e-12,", text);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal("bert", root.GetProperty("model_type").GetString());
        Assert.Equal("POSITIVE", root.GetProperty("id2label").GetProperty("1").GetString());
        Assert.Equal(0, root.GetProperty("label2id").GetProperty("NEGATIVE").GetInt32());
        var keys = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys); // sort_keys=True
        foreach (var key in new[] { "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act",
                     "max_position_embeddings", "type_vocab_size", "vocab_size", "pad_token_id", "position_embedding_type" })
            Assert.Contains(key, keys);
    }

    [Fact]
    public void VocabularyTokenizesRealTextWithAnIndependentTokenizer()
    {
        SyntheticCheckpoint.Create(_dir, new SyntheticOptions());
        var vocab = File.ReadAllLines(Path.Combine(_dir, "vocab.txt"));
        Assert.Equal(512, vocab.Length);
        Assert.Equal(vocab.Length, vocab.Distinct().Count());
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], vocab[..5]); // compact layout below 1000

        var tokenizer = BertTokenizer.Create(Path.Combine(_dir, "vocab.txt"));
        var ids = tokenizer.EncodeToIds("Hello, Quick WORLD xyz!");
        int Id(string token) => Array.IndexOf(vocab, token);
        Assert.Equal([Id("[CLS]"), Id("hello"), Id(","), Id("quick"), Id("world"), Id("x"), Id("##y"), Id("##z"), Id("!"), Id("[SEP]")], ids);

        using var fast = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "tokenizer.json")));
        Assert.Equal(512, fast.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject().Count());
        Assert.Equal("BertNormalizer", fast.RootElement.GetProperty("normalizer").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(512)]
    [InlineData(30522)]
    public void TokenizerJsonAndVocabTxtDescribeTheSameTokenizer(int vocabSize)
    {
        var options = new SyntheticOptions { Config = SyntheticPresets.Tiny with { VocabSize = vocabSize } };
        SyntheticCheckpoint.Create(_dir, options);
        var fromJson = Bert.Tokenization.BertTokenizer.Load(_dir);                       // reads tokenizer.json
        var fromVocab = Bert.Tokenization.BertTokenizer.FromVocabFile(Path.Combine(_dir, "vocab.txt"));
        var independent = BertTokenizer.Create(Path.Combine(_dir, "vocab.txt"));         // Microsoft.ML.Tokenizers
        foreach (var text in new[] { "The quick brown fox, jumps!", "Café naïve résumé", "中国人 hello 123", "zzyzx qwerty" })
        {
            var ids = fromJson.Encode(text).Ids;
            Assert.Equal(ids, fromVocab.Encode(text).Ids);
            // ML.Tokenizers does not strip accents by default (HF does when lower-casing), so it sees "café" as unknown.
            if (!text.StartsWith("Café", StringComparison.Ordinal)) Assert.Equal(ids, independent.EncodeToIds(text));
            Assert.DoesNotContain(SyntheticVocabulary.IdOf("[UNK]", vocabSize), ids); // every piece of these texts is covered
        }
    }

    [Fact]
    public void FullSizeVocabularyUsesBertSpecialIds()
    {
        var vocab = SyntheticVocabulary.Build(30522);
        Assert.Equal(30522, vocab.Count);
        Assert.Equal(30522, vocab.Distinct().Count());
        Assert.Equal(("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), (vocab[0], vocab[100], vocab[101], vocab[102], vocab[103]));
    }

    [Fact]
    public void InvalidOptionsAreRejectedBeforeAnythingIsWritten()
    {
        string folder = Path.Combine(_dir, "never");
        var tiny = SyntheticPresets.Tiny;
        Assert.Throws<ArgumentException>(() => SyntheticCheckpoint.Create(folder, new SyntheticOptions { Config = tiny with { NumAttentionHeads = 3 } }));
        Assert.Throws<ArgumentException>(() => SyntheticCheckpoint.Create(folder, new SyntheticOptions { Config = tiny with { HiddenAct = "swish" } }));
        Assert.Throws<ArgumentException>(() => SyntheticCheckpoint.Create(folder, new SyntheticOptions { Shards = 1000 }));
        // 600 000 × 1024 F32 word embeddings alone are 2.46 GB: beyond protobuf's 2 GiB (checked before generating anything).
        Assert.Throws<ArgumentException>(() => SyntheticCheckpoint.Create(folder,
            new SyntheticOptions { Config = SyntheticPresets.Large with { VocabSize = 600_000, NumHiddenLayers = 0 }, WriteOnnx = true }));
        Assert.False(Directory.Exists(folder));
    }

    internal sealed record Stored(string DType, int[] Shape, float[] Values);

    // Independent of the library: u64 LE header length, JSON header, data widened from F32/F16/BF16.
    internal static Dictionary<string, Stored> ReadSafeTensors(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var header = JsonDocument.Parse(file.AsMemory(8, n));
        var result = new Dictionary<string, Stored>();
        foreach (var entry in header.RootElement.EnumerateObject().Where(e => e.Name != "__metadata__"))
        {
            string dtype = entry.Value.GetProperty("dtype").GetString()!;
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var data = file.AsSpan(8 + n + offsets[0], offsets[1] - offsets[0]);
            var values = dtype switch
            {
                "F32" => Enumerable.Range(0, data.Length / 4).Select(i => BitConverter.ToSingle(file, 8 + n + offsets[0] + 4 * i)).ToArray(),
                "F16" => Enumerable.Range(0, data.Length / 2).Select(i => (float)BitConverter.ToHalf(file, 8 + n + offsets[0] + 2 * i)).ToArray(),
                _ => Enumerable.Range(0, data.Length / 2).Select(i => BitConverter.Int32BitsToSingle(BitConverter.ToUInt16(file, 8 + n + offsets[0] + 2 * i) << 16)).ToArray(),
            };
            result[entry.Name] = new Stored(dtype, shape, values);
        }
        return result;
    }
}
