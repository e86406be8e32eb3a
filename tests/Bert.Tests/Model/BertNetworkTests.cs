using Bert.Model;

namespace Bert.Tests.Model;

/// <summary>The network against <see cref="ReferenceBert"/>, a plain double-precision second implementation.</summary>
public class BertNetworkTests
{
    // Float32 through two layers with O(1) activations and ≤ 24-term dot products: rounding stays near 1e-6,
    // so 5e-5 absolute is tight enough to catch any wrong formula (those move outputs by > 1e-2) yet robust to kernel reordering.
    private const double Tolerance = 5e-5;

    [Theory]
    [InlineData("gelu")]
    [InlineData("gelu_new")]
    [InlineData("gelu_pytorch_tanh")]
    [InlineData("relu")]
    public void EveryOutputMatchesReferenceOnPaddedBatch(string act)
    {
        var ckpt = new RandomCheckpoint(RandomCheckpoint.TinyConfig(act, labels: 3), seed: 1, mlm: true, nsp: true, classifier: true, qa: true);
        var net = new BertNetwork(ckpt.Config, ckpt);
        var batch = new PaddedBatch(ckpt.Config.VocabSize, seed: 2, 7, 3, 5);
        var o = new Outputs(ckpt.Config, batch.Batch, batch.Seq, labels: 3);
        net.Forward(batch.Input, o.AsSpans(), null);

        var reference = new ReferenceBert(ckpt);
        int h = ckpt.Config.HiddenSize, v = ckpt.Config.VocabSize, seq = batch.Seq;
        for (int b = 0; b < batch.Batch; b++)
        {
            var (ids, types, mask) = batch.Alone(b);
            var r = reference.Run(ids, types, mask);
            for (int t = 0; t < ids.Length; t++)
            {
                int row = b * seq + t;
                AssertClose(r.Hidden[t], o.Hidden.AsSpan(row * h, h));
                AssertClose(reference.MlmLogits(r.Hidden[t]), o.Prediction.AsSpan(row * v, v));
                AssertClose(reference.Linear(r.Hidden[t], "classifier"), o.Token.AsSpan(row * 3, 3));
                var qa = reference.Linear(r.Hidden[t], "qa_outputs");
                AssertClose([qa[0], qa[1]], [o.Start[row], o.End[row]]);
            }
            AssertClose(r.Pooled!, o.Pooled.AsSpan(b * h, h));
            AssertClose(reference.Linear(r.Pooled!, "cls.seq_relationship"), o.Nsp.AsSpan(b * 2, 2));
            AssertClose(reference.Linear(r.Pooled!, "classifier"), o.Sequence.AsSpan(b * 3, 3));
        }
    }

    [Fact]
    public void UntiedDecoderIsUsedWhenPresent()
    {
        var ckpt = new RandomCheckpoint(RandomCheckpoint.TinyConfig(), seed: 3, mlm: true, untiedDecoder: true);
        var net = new BertNetwork(ckpt.Config, ckpt);
        int v = ckpt.Config.VocabSize;
        int[] ids = [1, 7, 9, 2];
        var logits = new float[ids.Length * v];
        net.Forward(new BertInput(ids, default, default, 1, ids.Length), new BertOutputs { PredictionLogits = logits }, null);
        var reference = new ReferenceBert(ckpt);
        var r = reference.Run(ids, new int[ids.Length], [1, 1, 1, 1]);
        for (int t = 0; t < ids.Length; t++) AssertClose(reference.MlmLogits(r.Hidden[t]), logits.AsSpan(t * v, v));
    }

    [Fact]
    public void PredictionRowsComputeOnlyTheSelectedRows()
    {
        var ckpt = new RandomCheckpoint(RandomCheckpoint.TinyConfig(), seed: 7, mlm: true);
        var net = new BertNetwork(ckpt.Config, ckpt);
        var batch = new PaddedBatch(ckpt.Config.VocabSize, seed: 8, 6, 4);
        int v = ckpt.Config.VocabSize;
        var all = new float[batch.Batch * batch.Seq * v];
        net.Forward(batch.Input, new BertOutputs { PredictionLogits = all }, null);
        int[] rows = [7, 2, 7, 0];
        var selected = new float[rows.Length * v];
        net.Forward(batch.Input, new BertOutputs { PredictionRows = rows, PredictionLogits = selected }, null);
        // Same math on fewer GEMM rows: only the summation blocking may differ.
        for (int r = 0; r < rows.Length; r++) AssertMaxAbs(all.AsSpan(rows[r] * v, v), selected.AsSpan(r * v, v), 1e-5);
        Assert.Throws<ArgumentException>(() => net.Forward(batch.Input, new BertOutputs { PredictionRows = [12], PredictionLogits = new float[v] }, null));
        Assert.Throws<ArgumentException>(() => net.Forward(batch.Input, new BertOutputs { PredictionRows = [1, 2], PredictionLogits = new float[v] }, null));
    }

    [Fact]
    public void EachSequenceOfAPaddedBatchMatchesRunningItAlone()
    {
        var ckpt = new RandomCheckpoint(RandomCheckpoint.TinyConfig(labels: 3), seed: 4, classifier: true);
        var net = new BertNetwork(ckpt.Config, ckpt);
        var batch = new PaddedBatch(ckpt.Config.VocabSize, seed: 5, 2, 9, 1, 6);
        int h = ckpt.Config.HiddenSize;
        var hidden = new float[batch.Batch * batch.Seq * h];
        var pooled = new float[batch.Batch * h];
        net.Forward(batch.Input, new BertOutputs { LastHiddenState = hidden, PoolerOutput = pooled }, null);
        for (int b = 0; b < batch.Batch; b++)
        {
            var (ids, types, _) = batch.Alone(b);
            var aloneHidden = new float[ids.Length * h];
            var alonePooled = new float[h];
            net.Forward(new BertInput(ids, types, default, 1, ids.Length), new BertOutputs { LastHiddenState = aloneHidden, PoolerOutput = alonePooled }, null);
            // The bound: padding may only change float summation order (kernels may block by row count), never the math.
            AssertMaxAbs(aloneHidden, hidden.AsSpan(b * batch.Seq * h, ids.Length * h), 1e-5);
            AssertMaxAbs(alonePooled, pooled.AsSpan(b * h, h), 1e-5);
        }
    }

    [Fact]
    public void FullyMaskedSequenceStaysFiniteAndAttendsUniformly()
    {
        var ckpt = new RandomCheckpoint(RandomCheckpoint.TinyConfig(), seed: 6);
        var net = new BertNetwork(ckpt.Config, ckpt);
        int[] ids = [3, 4, 5], types = [0, 0, 1], mask = [0, 0, 0];
        var hidden = new float[3 * ckpt.Config.HiddenSize];
        net.Forward(new BertInput(ids, types, mask, 1, 3), new BertOutputs { LastHiddenState = hidden }, null);
        Assert.All(hidden, x => Assert.True(float.IsFinite(x)));
        // HF adds the same float.MinValue to every score, so softmax is uniform: the reference's fallback.
        var r = new ReferenceBert(ckpt).Run(ids, types, mask);
        for (int t = 0; t < 3; t++) AssertClose(r.Hidden[t], hidden.AsSpan(t * ckpt.Config.HiddenSize, ckpt.Config.HiddenSize));
    }

    internal static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    internal static void AssertMaxAbs(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        Assert.True(max <= tolerance, $"max-abs {max} > {tolerance}");
    }

    /// <summary>One array per output of a fully-headed tiny model.</summary>
    private sealed class Outputs(BertConfig c, int batch, int seq, int labels)
    {
        public float[] Hidden { get; } = new float[batch * seq * c.HiddenSize];
        public float[] Pooled { get; } = new float[batch * c.HiddenSize];
        public float[] Prediction { get; } = new float[batch * seq * c.VocabSize];
        public float[] Nsp { get; } = new float[batch * 2];
        public float[] Sequence { get; } = new float[batch * labels];
        public float[] Token { get; } = new float[batch * seq * labels];
        public float[] Start { get; } = new float[batch * seq];
        public float[] End { get; } = new float[batch * seq];

        public BertOutputs AsSpans() => new()
        {
            LastHiddenState = Hidden, PoolerOutput = Pooled, PredictionLogits = Prediction, SeqRelationshipLogits = Nsp,
            SequenceClassificationLogits = Sequence, TokenClassificationLogits = Token, StartLogits = Start, EndLogits = End,
        };
    }
}
