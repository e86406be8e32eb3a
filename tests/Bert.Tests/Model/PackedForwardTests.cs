using Bert.Model;

namespace Bert.Tests.Model;

/// <summary>
/// The packed (varlen) forward pass against three independent routes to the same numbers: the padded path's real
/// tokens, each sequence run alone (<see cref="PackedReference"/>), and the double-precision <see cref="ReferenceBert"/>.
/// </summary>
public class PackedForwardTests
{
    // The bound for packed vs padded vs alone: the math is the same, only the float summation order may differ
    // (GEMM blocking depends on the row count, softmax on the row length), which moves O(1) outputs by ~1e-6. Scaled
    // by the output's magnitude where it exceeds 1: the MLM logits of these random weights reach ~30, where float
    // rounding alone is ~2e-6 per operation (measured: 1.9e-5 abs, 6e-7 relative; hidden states 1.5e-6).
    private const double SameMath = 1e-5;

    private static void AssertSame(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        float scale = 1;
        foreach (var x in expected) scale = Math.Max(scale, Math.Abs(x));
        BertNetworkTests.AssertMaxAbs(expected, actual, SameMath * scale);
    }

    // Tiny: T = 28 real tokens (GEMM's streaming path). Mid: 4 heads of 16, T = 205 > 64 (GEMM's packed path), sequences
    // from 1 token to 90, longer than one micro-kernel panel.
    public static TheoryData<string, string, int[]> Shapes() => new()
    {
        { "tiny", "gelu", [7, 3, 5, 1, 12] },
        { "tiny", "relu", [1] },
        { "mid", "gelu_new", [90, 17, 64, 1, 33] },
    };

    private static BertConfig Config(string shape, string act) => shape == "tiny"
        ? RandomCheckpoint.TinyConfig(act, labels: 3)
        : RandomCheckpoint.TinyConfig(act, labels: 3) with { HiddenSize = 64, NumAttentionHeads = 4, IntermediateSize = 96, MaxPositionEmbeddings = 96 };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryOutputEqualsPaddedAndAlone(string shape, string act, int[] lengths)
    {
        var ckpt = new RandomCheckpoint(Config(shape, act), seed: 31, mlm: true, nsp: true, classifier: true, qa: true);
        var net = new BertNetwork(ckpt.Config, ckpt);
        var packed = new PackedBatch(new PaddedBatch(ckpt.Config.VocabSize, seed: 32, lengths));
        var padded = packed.Padded;
        var p = new AllOutputs(ckpt.Config, packed.Tokens, packed.Batch);
        var alone = new AllOutputs(ckpt.Config, packed.Tokens, packed.Batch);
        var pad = new AllOutputs(ckpt.Config, padded.Batch * padded.Seq, padded.Batch);
        net.Forward(packed.Input, p.AsSpans(), null);
        PackedReference.Run(net, packed.Input, alone.AsSpans(), null);
        net.Forward(padded.Input, pad.AsSpans(), null);

        for (int i = 0; i < p.All.Length; i++) AssertSame(alone.All[i], p.All[i]);
        foreach (var (row, padRow) in packed.Rows())
            for (int i = 0; i < p.All.Length; i++)
            {
                int width = p.Widths[i];
                if (p.PerToken[i]) AssertSame(pad.All[i].AsSpan(padRow * width, width), p.All[i].AsSpan(row * width, width));
            }
        for (int i = 0; i < p.All.Length; i++)
            if (!p.PerToken[i]) AssertSame(pad.All[i], p.All[i]);
    }

    [Fact]
    public void HiddenStatesAndPoolerMatchTheDoublePrecisionReference()
    {
        var ckpt = new RandomCheckpoint(Config("mid", "gelu"), seed: 33);
        var net = new BertNetwork(ckpt.Config, ckpt);
        var packed = new PackedBatch(new PaddedBatch(ckpt.Config.VocabSize, seed: 34, 40, 2, 71));
        int h = ckpt.Config.HiddenSize;
        var hidden = new float[packed.Tokens * h];
        var pooled = new float[packed.Batch * h];
        net.Forward(packed.Input, new BertOutputs { LastHiddenState = hidden, PoolerOutput = pooled }, null);
        var reference = new ReferenceBert(ckpt);
        for (int b = 0; b < packed.Batch; b++)
        {
            var (ids, types, mask) = packed.Padded.Alone(b);
            var r = reference.Run(ids, types, mask);
            // 5e-5: float32 against double through two layers of ≤ 96-term dot products (see BertNetworkTests).
            for (int t = 0; t < ids.Length; t++) AssertClose(r.Hidden[t], hidden.AsSpan((packed.Cu[b] + t) * h, h), 5e-5);
            AssertClose(r.Pooled!, pooled.AsSpan(b * h, h), 5e-5);
        }
    }

    [Fact]
    public void PredictionRowsIndexPackedRows()
    {
        var ckpt = new RandomCheckpoint(RandomCheckpoint.TinyConfig(), seed: 35, mlm: true);
        var net = new BertNetwork(ckpt.Config, ckpt);
        var packed = new PackedBatch(new PaddedBatch(ckpt.Config.VocabSize, seed: 36, 6, 2, 9));
        int v = ckpt.Config.VocabSize;
        var all = new float[packed.Tokens * v];
        net.Forward(packed.Input, new BertOutputs { PredictionLogits = all }, null);
        int[] rows = [16, 0, 7, 6];
        var selected = new float[rows.Length * v];
        net.Forward(packed.Input, new BertOutputs { PredictionRows = rows, PredictionLogits = selected }, null);
        // Same math on fewer GEMM rows: only the summation blocking may differ.
        for (int r = 0; r < rows.Length; r++) AssertSame(all.AsSpan(rows[r] * v, v), selected.AsSpan(r * v, v));
        var ex = Assert.Throws<ArgumentException>(() => net.Forward(packed.Input, new BertOutputs { PredictionRows = [17], PredictionLogits = new float[v] }, null));
        Assert.Equal("PredictionRows", ex.ParamName);
    }

    [Fact]
    public void ObserverSeesPackedRowsEqualToPaddedRealRows()
    {
        var ckpt = new RandomCheckpoint(RandomCheckpoint.TinyConfig(), seed: 37);
        var net = new BertNetwork(ckpt.Config, ckpt);
        var packed = new PackedBatch(new PaddedBatch(ckpt.Config.VocabSize, seed: 38, 4, 11, 2));
        var seenPacked = new Dictionary<string, (float[] Values, int Rows, int Cols)>();
        var seenPadded = new Dictionary<string, (float[] Values, int Rows, int Cols)>();
        int h = ckpt.Config.HiddenSize;
        net.Forward(packed.Input, new BertOutputs { PoolerOutput = new float[packed.Batch * h] }, (n, v, r, c) => seenPacked[n] = (v.ToArray(), r, c));
        net.Forward(packed.Padded.Input, new BertOutputs { PoolerOutput = new float[packed.Batch * h] }, (n, v, r, c) => seenPadded[n] = (v.ToArray(), r, c));
        Assert.Equal(seenPadded.Keys, seenPacked.Keys);
        foreach (var (name, (values, rows, cols)) in seenPacked)
        {
            var pad = seenPadded[name];
            Assert.Equal(pad.Cols, cols);
            if (name == "pooler_output")
            {
                Assert.Equal(packed.Batch, rows);
                AssertSame(pad.Values, values);
                continue;
            }
            Assert.Equal(packed.Tokens, rows);
            foreach (var (row, padRow) in packed.Rows())
                AssertSame(pad.Values.AsSpan(padRow * cols, cols), values.AsSpan(row * cols, cols));
        }
    }

    [Fact]
    public void SteadyStatePackedForwardAllocatesNothing()
    {
        var ckpt = new RandomCheckpoint(Config("mid", "gelu"), seed: 39, mlm: true, nsp: true, classifier: true, qa: true);
        var net = new BertNetwork(ckpt.Config, ckpt);
        var small = new PackedBatch(new PaddedBatch(ckpt.Config.VocabSize, seed: 40, 5, 8, 3));
        var large = new PackedBatch(new PaddedBatch(ckpt.Config.VocabSize, seed: 41, 60, 24, 13, 90));
        var smallOut = new AllOutputs(ckpt.Config, small.Tokens, small.Batch);
        var largeOut = new AllOutputs(ckpt.Config, large.Tokens, large.Batch);
        void Both()
        {
            net.Forward(small.Input, smallOut.AsSpans(), null);
            net.Forward(large.Input, largeOut.AsSpans(), null);
        }
        Both(); // sizes the workspace and any per-thread kernel buffers
        long before = GC.GetAllocatedBytesForCurrentThread();
        Both();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    /// <summary>One array per output of a fully-headed model (3 labels), for T token rows and B sequences.</summary>
    internal sealed class AllOutputs
    {
        public AllOutputs(BertConfig c, int tokens, int batch)
        {
            int h = c.HiddenSize, v = c.VocabSize;
            Widths = [h, h, v, 2, 3, 3, 1, 1];
            PerToken = [true, false, true, false, false, true, true, true];
            All = new float[Widths.Length][];
            for (int i = 0; i < All.Length; i++) All[i] = new float[(PerToken[i] ? tokens : batch) * Widths[i]];
        }

        public int[] Widths { get; }
        public bool[] PerToken { get; }
        public float[][] All { get; }

        public BertOutputs AsSpans() => new()
        {
            LastHiddenState = All[0], PoolerOutput = All[1], PredictionLogits = All[2], SeqRelationshipLogits = All[3],
            SequenceClassificationLogits = All[4], TokenClassificationLogits = All[5], StartLogits = All[6], EndLogits = All[7],
        };
    }
}
