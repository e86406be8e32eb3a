using Bert.Model;

namespace Bert.Tests.Model;

/// <summary>Bad input, missing heads, allocation-free steady state and the observer hook.</summary>
public class BertNetworkContractTests
{
    private static readonly RandomCheckpoint Checkpoint = new(RandomCheckpoint.TinyConfig(), seed: 11);

    private static void Run(int[] ids, int[]? types, int[]? mask, int batch, int seq, int hiddenLength = -1)
    {
        var net = new BertNetwork(Checkpoint.Config, Checkpoint);
        var hidden = new float[hiddenLength >= 0 ? hiddenLength : batch * seq * Checkpoint.Config.HiddenSize];
        net.Forward(new BertInput(ids, types, mask, batch, seq), new BertOutputs { LastHiddenState = hidden }, null);
    }

    [Fact]
    public void BadInputThrowsArgumentExceptionNamingTheProblem()
    {
        int max = Checkpoint.Config.MaxPositionEmbeddings, vocab = Checkpoint.Config.VocabSize;
        var tooLong = new int[max + 1];
        Assert.Contains("max_position_embeddings", Assert.ThrowsAny<ArgumentException>(() => Run(tooLong, null, null, 1, max + 1)).Message);
        Assert.Contains("vocab_size", Assert.ThrowsAny<ArgumentException>(() => Run([1, vocab], null, null, 1, 2)).Message);
        Assert.Contains("vocab_size", Assert.ThrowsAny<ArgumentException>(() => Run([-1, 2], null, null, 1, 2)).Message);
        Assert.Contains("type_vocab_size", Assert.ThrowsAny<ArgumentException>(() => Run([1, 2], [0, 2], null, 1, 2)).Message);
        Assert.Contains("AttentionMask", Assert.ThrowsAny<ArgumentException>(() => Run([1, 2], null, [1, 2], 1, 2)).Message);
        Assert.Contains("Ids", Assert.ThrowsAny<ArgumentException>(() => Run([1, 2, 3], null, null, 1, 2)).Message);
        Assert.Contains("TypeIds", Assert.ThrowsAny<ArgumentException>(() => Run([1, 2], [0], null, 1, 2)).Message);
        Assert.Contains("AttentionMask", Assert.ThrowsAny<ArgumentException>(() => Run([1, 2], null, [1, 1, 1], 1, 2)).Message);
        Assert.Contains("BatchSize", Assert.ThrowsAny<ArgumentException>(() => Run([], null, null, 0, 2)).Message);
        Assert.Contains("SequenceLength", Assert.ThrowsAny<ArgumentException>(() => Run([], null, null, 1, 0)).Message);
        Assert.Contains("LastHiddenState", Assert.ThrowsAny<ArgumentException>(() => Run([1, 2], null, null, 1, 2, hiddenLength: 5)).Message);
        Assert.Contains("too large", Assert.ThrowsAny<ArgumentException>(() => Run([1], null, null, int.MaxValue / 2, 20, hiddenLength: 0)).Message);
    }

    [Fact]
    public void MissingHeadThrowsInvalidOperationException()
    {
        var ckpt = new RandomCheckpoint(RandomCheckpoint.TinyConfig(), seed: 12, pooler: false, classifier: true);
        var net = new BertNetwork(ckpt.Config, ckpt);
        int[] ids = [1, 2, 3];
        void Request(Func<float[], BertOutputs> outputs, int length)
            => net.Forward(new BertInput(ids, default, default, 1, 3), outputs(new float[length]), null);

        Assert.Contains("pooler", Assert.Throws<InvalidOperationException>(() => Request(a => new BertOutputs { PoolerOutput = a }, 16)).Message);
        Assert.Contains("pooler", Assert.Throws<InvalidOperationException>(() => Request(a => new BertOutputs { SequenceClassificationLogits = a }, 2)).Message);
        Assert.Contains("cls.predictions", Assert.Throws<InvalidOperationException>(() => Request(a => new BertOutputs { PredictionLogits = a }, 3 * 50)).Message);
        Assert.Contains("qa_outputs", Assert.Throws<InvalidOperationException>(() => Request(a => new BertOutputs { StartLogits = a }, 3)).Message);
        Assert.Contains("seq_relationship", Assert.Throws<InvalidOperationException>(() => Request(a => new BertOutputs { SeqRelationshipLogits = a }, 2)).Message);
        Request(a => new BertOutputs { TokenClassificationLogits = a }, 3 * 2); // present: no pooler needed
    }

    [Fact]
    public void UnsupportedConfigurationIsAFormatError()
    {
        var gelu = new RandomCheckpoint(RandomCheckpoint.TinyConfig(), seed: 13);
        var ex = Assert.Throws<BertFormatException>(() => new BertNetwork(gelu.Config with { HiddenAct = "swish" }, gelu));
        Assert.Equal("hidden_act", ex.Field);
        ex = Assert.Throws<BertFormatException>(() => new BertNetwork(gelu.Config with { PositionEmbeddingType = "relative_key" }, gelu));
        Assert.Equal("position_embedding_type", ex.Field);
        gelu.Remove("encoder.layer.1.output.dense.bias");
        Assert.Throws<BertFormatException>(() => new BertNetwork(gelu.Config, gelu));
    }

    [Fact]
    public void SteadyStateForwardAllocatesNothing()
    {
        var ckpt = new RandomCheckpoint(RandomCheckpoint.TinyConfig(labels: 3), seed: 14, mlm: true, nsp: true, classifier: true, qa: true);
        var net = new BertNetwork(ckpt.Config, ckpt);
        // 24 tokens (GEMM's streaming small-m path) and 96 tokens (its packed path), alternated: the workspace keeps the larger size.
        var small = new PaddedBatch(ckpt.Config.VocabSize, seed: 15, 5, 8, 3);
        var large = new PaddedBatch(ckpt.Config.VocabSize, seed: 16, 20, 24, 13, 24);
        var smallOut = new AllOutputs(ckpt.Config, small);
        var largeOut = new AllOutputs(ckpt.Config, large);
        void Forward(PaddedBatch b, AllOutputs o) => net.Forward(b.Input, o.AsSpans(), null);
        Forward(small, smallOut);
        Forward(large, largeOut); // sizes the workspace and any per-thread kernel buffers
        long before = GC.GetAllocatedBytesForCurrentThread();
        Forward(small, smallOut);
        Forward(large, largeOut);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private sealed class AllOutputs(BertConfig c, PaddedBatch b)
    {
        private readonly float[] _hidden = new float[b.Batch * b.Seq * c.HiddenSize], _pooled = new float[b.Batch * c.HiddenSize];
        private readonly float[] _mlm = new float[b.Batch * b.Seq * c.VocabSize], _nsp = new float[b.Batch * 2], _cls = new float[b.Batch * 3];
        private readonly float[] _tok = new float[b.Batch * b.Seq * 3], _start = new float[b.Batch * b.Seq], _end = new float[b.Batch * b.Seq];

        public BertOutputs AsSpans() => new()
        {
            LastHiddenState = _hidden, PoolerOutput = _pooled, PredictionLogits = _mlm, SeqRelationshipLogits = _nsp,
            SequenceClassificationLogits = _cls, TokenClassificationLogits = _tok, StartLogits = _start, EndLogits = _end,
        };
    }

    [Fact]
    public void ObserverSeesEveryNamedIntermediateInOrder()
    {
        var net = new BertNetwork(Checkpoint.Config, Checkpoint);
        int[] ids = [4, 8, 15, 16, 23];
        int h = Checkpoint.Config.HiddenSize;
        var names = new List<string>();
        var lastOutput = Array.Empty<float>();
        var hidden = new float[ids.Length * h];
        var pooled = new float[h];
        var pooledSeen = Array.Empty<float>();
        net.Forward(new BertInput(ids, default, default, 1, ids.Length), new BertOutputs { LastHiddenState = hidden, PoolerOutput = pooled },
            (name, values, rows, cols) =>
            {
                names.Add($"{name}:{rows}x{cols}");
                Assert.Equal(rows * cols, values.Length);
                if (name == "layer1.output") lastOutput = values.ToArray();
                if (name == "pooler_output") pooledSeen = values.ToArray();
            });
        string[] expected =
        [
            "embeddings:5x16",
            "layer0.attention.context:5x16", "layer0.attention_output:5x16", "layer0.intermediate:5x24", "layer0.output:5x16",
            "layer1.attention.context:5x16", "layer1.attention_output:5x16", "layer1.intermediate:5x24", "layer1.output:5x16",
            "pooler_output:1x16",
        ];
        Assert.Equal(expected, names);
        Assert.Equal(hidden, lastOutput);
        Assert.Equal(pooled, pooledSeen);
    }
}
