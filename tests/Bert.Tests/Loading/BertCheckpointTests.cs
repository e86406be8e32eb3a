using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Bert.Loading;

namespace Bert.Tests.Loading;

public sealed class BertCheckpointTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void AssertHoldsTinyWeights(IWeightSource weights)
    {
        // Every encoder and head tensor reads back bit-exactly under its bare HF name.
        var c = TinyCheckpoint.Config;
        foreach (var (name, shape) in TinyCheckpoint.EncoderTensors(c).Concat(TinyCheckpoint.HeadTensors(c)))
        {
            Assert.True(weights.Contains(name), name);
            Assert.Equal(TinyCheckpoint.Values(name, shape), weights.Get(name, shape).ToArray());
        }
    }

    [Theory]
    [InlineData("bare")]
    [InlineData("prefixed")]
    [InlineData("gamma-beta")]
    public void EverySpellingOfTheNamesGivesTheSameWeights(string spelling)
    {
        Func<string, string> rename = spelling switch
        {
            "bare" => n => n,
            "prefixed" => TinyCheckpoint.WithPrefix,
            _ => TinyCheckpoint.GammaBeta,
        };
        string folder = TinyCheckpoint.WriteFolder(_temp, spelling, rename);
        using var checkpoint = BertCheckpoint.Open(folder);
        Assert.Equal(folder, checkpoint.Folder);
        Assert.Equal(TinyCheckpoint.Config, checkpoint.Config with { Architectures = TinyCheckpoint.Config.Architectures, Id2Label = TinyCheckpoint.Config.Id2Label, Label2Id = TinyCheckpoint.Config.Label2Id });
        Assert.Equal(["BertForMaskedLM"], checkpoint.Config.Architectures);
        AssertHoldsTinyWeights(checkpoint.Weights);
        Assert.Contains(rename("embeddings.LayerNorm.weight"), checkpoint.TensorNames);
        Assert.Equal(checkpoint.TensorNames.Order(StringComparer.Ordinal), checkpoint.TensorNames);
    }

    [Fact]
    public void F32WeightsAreViewsOfTheMappingNotCopies()
    {
        // No second copy: the memory handed out is not array-backed, and asking twice gives the same address.
        using var checkpoint = BertCheckpoint.Open(TinyCheckpoint.WriteFolder(_temp, "z", TinyCheckpoint.WithPrefix));
        var first = checkpoint.Weights.Get("encoder.layer.1.output.dense.weight", [8, 12]);
        var second = checkpoint.Weights.Get("encoder.layer.1.output.dense.weight", [8, 12]);
        Assert.False(MemoryMarshal.TryGetArray(first, out _));
        Assert.True(Unsafe.AreSame(in first.Span[0], in second.Span[0]));
    }

    [Fact]
    public void ConcurrentGetsOfAHalfTensorWidenItOnce()
    {
        string folder = _temp.Folder("bf16");
        File.WriteAllText(Path.Combine(folder, "config.json"), TinyCheckpoint.ConfigJson);
        SafeTensorsWriter.WriteFile(Path.Combine(folder, "model.safetensors"), [("bert.pooler.dense.weight", [8, 8], new float[64])], SafeTensorDType.BF16);
        using var checkpoint = BertCheckpoint.Open(folder);
        var arrays = new float[]?[16];
        Parallel.For(0, arrays.Length, i =>
            arrays[i] = MemoryMarshal.TryGetArray(checkpoint.Weights.Get("pooler.dense.weight", [8, 8]), out var segment) ? segment.Array : null);
        Assert.NotNull(arrays[0]);
        Assert.All(arrays, a => Assert.Same(arrays[0], a));
    }

    [Fact]
    public void AbsentHeadsAreReportedByContainsAndGet()
    {
        // The MLM decoder is tied to the word embeddings and usually not stored: the model asks Contains first.
        string folder = TinyCheckpoint.WriteFolder(_temp, "m", TinyCheckpoint.WithPrefix);
        using var checkpoint = BertCheckpoint.Open(folder);
        Assert.False(checkpoint.Weights.Contains("cls.predictions.decoder.weight"));
        Assert.False(checkpoint.Weights.Contains("classifier.weight"));
        var e = Assert.Throws<BertFormatException>(() => checkpoint.Weights.Get("classifier.weight", [2, 8]));
        Assert.Equal("classifier.weight", e.Field);
        Assert.Equal(Path.Combine(folder, "model.safetensors"), e.File);
    }

    [Fact]
    public void WrongShapeForTheConfigNamesTensorAndBothShapes()
    {
        string folder = TinyCheckpoint.WriteFolder(_temp, "s", TinyCheckpoint.WithPrefix);
        using var checkpoint = BertCheckpoint.Open(folder);
        var e = Assert.Throws<BertFormatException>(() => checkpoint.Weights.Get("encoder.layer.1.intermediate.dense.weight", [8, 12]));
        Assert.Equal("encoder.layer.1.intermediate.dense.weight", e.Field);
        Assert.Contains("[12, 8]", e.Message);                 // actual
        Assert.Contains("expected [8, 12]", e.Message);        // expected
        Assert.Contains("bert.encoder.layer.1.intermediate.dense.weight", e.Message); // stored spelling
        Assert.Throws<BertFormatException>(() => checkpoint.Weights.Get("pooler.dense.bias", [8, 1])); // rank differs
    }

    [Fact]
    public void ConfigThatContradictsTheWeightsIsCaughtByTheShapeCheck()
    {
        // vocab_size 12 in config, 11 rows stored.
        string folder = TinyCheckpoint.WriteFolder(_temp, "v", n => n, TinyCheckpoint.ConfigJson.Replace("\"vocab_size\": 11", "\"vocab_size\": 12"));
        using var checkpoint = BertCheckpoint.Open(folder);
        var c = checkpoint.Config;
        var e = Assert.Throws<BertFormatException>(() => checkpoint.Weights.Get("embeddings.word_embeddings.weight", [c.VocabSize, c.HiddenSize]));
        Assert.Contains("[11, 8]", e.Message);
    }

    [Fact]
    public void MissingFolderConfigOrWeights()
    {
        var e = Assert.Throws<BertFormatException>(() => BertCheckpoint.Open(_temp.File("nowhere")));
        Assert.Contains("does not exist", e.Message);

        string noConfig = _temp.Folder("no-config");
        TinyCheckpoint.Tensors(n => n).WriteTo(Path.Combine(noConfig, "model.safetensors"));
        e = Assert.Throws<BertFormatException>(() => BertCheckpoint.Open(noConfig));
        Assert.Equal(Path.Combine(noConfig, "config.json"), e.File);

        string noWeights = _temp.Folder("no-weights");
        File.WriteAllText(Path.Combine(noWeights, "config.json"), TinyCheckpoint.ConfigJson);
        File.WriteAllBytes(Path.Combine(noWeights, "pytorch_model.bin"), [0]);
        e = Assert.Throws<BertFormatException>(() => BertCheckpoint.Open(noWeights));
        Assert.Equal(Path.Combine(noWeights, "model.safetensors"), e.File);
        Assert.Contains("pytorch_model.bin is not supported", e.Message);
    }

    [Fact]
    public void InvalidConfigFailsBeforeAnyWeightIsMapped()
    {
        string folder = TinyCheckpoint.WriteFolder(_temp, "c", n => n, TinyCheckpoint.ConfigJson.Replace("\"num_attention_heads\": 2", "\"num_attention_heads\": 3"));
        var e = Assert.Throws<BertFormatException>(() => BertCheckpoint.Open(folder));
        Assert.Equal("num_attention_heads", e.Field);
    }

    // ---- sharded checkpoints ----

    private string WriteSharded(string name, Func<Dictionary<string, string>, Dictionary<string, string>>? editMap = null)
    {
        // Two shards split alphabetically, with the "bert." prefix, as save_pretrained(max_shard_size=...) would.
        string folder = _temp.Folder(name);
        File.WriteAllText(Path.Combine(folder, "config.json"), TinyCheckpoint.ConfigJson);
        var c = TinyCheckpoint.Config;
        var all = TinyCheckpoint.EncoderTensors(c).Concat(TinyCheckpoint.HeadTensors(c)).ToArray();
        var shards = new[] { new SafeTensorsBytes(), new SafeTensorsBytes() };
        var map = new Dictionary<string, string>();
        for (int k = 0; k < all.Length; k++)
        {
            int s = k < all.Length / 2 ? 0 : 1;
            string stored = TinyCheckpoint.WithPrefix(all[k].Name);
            shards[s].F32(stored, all[k].Shape, TinyCheckpoint.Values(all[k].Name, all[k].Shape));
            map[stored] = $"model-0000{s + 1}-of-00002.safetensors";
        }
        for (int s = 0; s < 2; s++) shards[s].WriteTo(Path.Combine(folder, $"model-0000{s + 1}-of-00002.safetensors"));
        map = editMap?.Invoke(map) ?? map;
        string index = JsonSerializer.Serialize(new { metadata = new { total_size = 1234 }, weight_map = map });
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), index);
        return folder;
    }

    [Fact]
    public void ShardedCheckpointReadsLikeASingleFile()
    {
        using var checkpoint = BertCheckpoint.Open(WriteSharded("sharded"));
        AssertHoldsTinyWeights(checkpoint.Weights);
        Assert.Equal(TinyCheckpoint.EncoderTensors(TinyCheckpoint.Config).Count() + 5, checkpoint.Tensors.Count);
    }

    [Fact]
    public void IndexNamingAMissingShard()
    {
        string folder = WriteSharded("missing-shard", m => m.ToDictionary(p => p.Key, p => p.Value.Replace("00002.safetensors", "00002.st")));
        var e = Assert.Throws<BertFormatException>(() => BertCheckpoint.Open(folder));
        Assert.Equal(Path.Combine(folder, "model.safetensors.index.json"), e.File);
        Assert.Contains("not in the folder", e.Message);
    }

    [Fact]
    public void IndexPlacingATensorInTheWrongShard()
    {
        string folder = WriteSharded("wrong-shard", m =>
        {
            m["bert.pooler.dense.bias"] = m["bert.embeddings.word_embeddings.weight"]; // pooler lives in shard 2
            return m;
        });
        var e = Assert.Throws<BertFormatException>(() => BertCheckpoint.Open(folder));
        Assert.Equal("bert.pooler.dense.bias", e.Field);
        Assert.Contains("does not contain it", e.Message);
    }

    [Theory]
    [InlineData("../model.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    public void IndexNamingAPathOutsideTheFolder(string shard)
    {
        string folder = WriteSharded("escape" + shard.Length, m =>
        {
            m["bert.pooler.dense.bias"] = shard;
            return m;
        });
        var e = Assert.Throws<BertFormatException>(() => BertCheckpoint.Open(folder));
        Assert.Equal("weight_map", e.Field);
    }

    [Theory]
    [InlineData("""{"metadata": {}}""")]
    [InlineData("""{"weight_map": {}}""")]
    [InlineData("""{"weight_map": {"a": 1}}""")]
    [InlineData("""{"weight_map": """)]
    public void InvalidIndex(string json)
    {
        string folder = _temp.Folder("bad-index");
        File.WriteAllText(Path.Combine(folder, "config.json"), TinyCheckpoint.ConfigJson);
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), json);
        var e = Assert.Throws<BertFormatException>(() => BertCheckpoint.Open(folder));
        Assert.Equal(Path.Combine(folder, "model.safetensors.index.json"), e.File);
    }
}
