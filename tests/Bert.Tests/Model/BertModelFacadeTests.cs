namespace Bert.Tests.Model;

/// <summary>The public facade over in-memory weights: pooling choices, classification, disposal, concurrency.</summary>
public class BertModelFacadeTests
{
    // Same float32-vs-double budget as BertNetworkTests (see there).
    private const double Tolerance = 5e-5;

    private static readonly RandomCheckpoint Checkpoint =
        new(RandomCheckpoint.TinyConfig(labels: 3) with { Id2Label = new Dictionary<int, string> { [0] = "neg", [1] = "neu", [2] = "pos" } }, seed: 21, classifier: true);

    private static readonly int[] Ids = [2, 17, 33, 8, 3], Types = [0, 0, 0, 1, 1], Mask = [1, 1, 1, 1, 1];

    [Fact]
    public void EncodePoolsAsDocumented()
    {
        using var model = BertModel.FromWeights(Checkpoint.Config, Checkpoint);
        var r = new ReferenceBert(Checkpoint).Run(Ids, Types, Mask);
        int h = Checkpoint.Config.HiddenSize;
        var mean = Enumerable.Range(0, h).Select(c => r.Hidden.Average(row => row[c])).ToArray();
        BertNetworkTests.AssertClose(mean, model.EncodeTokens(Ids, Types, Mask, BertPooling.Mean));
        BertNetworkTests.AssertClose(r.Hidden[0], model.EncodeTokens(Ids, Types, Mask, BertPooling.Cls));
        BertNetworkTests.AssertClose(r.Pooled!, model.EncodeTokens(Ids, Types, Mask, BertPooling.Pooler));
    }

    [Fact]
    public void MeanPoolingIgnoresPaddedTokens()
    {
        using var model = BertModel.FromWeights(Checkpoint.Config, Checkpoint);
        var alone = model.EncodeTokens(Ids[..3], Types[..3], Mask[..3], BertPooling.Mean);
        var padded = model.EncodeTokens(Ids, Types, [1, 1, 1, 0, 0], BertPooling.Mean);
        BertNetworkTests.AssertMaxAbs(alone, padded, 1e-5); // the batch-vs-alone bound
    }

    [Fact]
    public void ClassifyReturnsSoftmaxOfClassifierLogitsAndId2LabelName()
    {
        using var model = BertModel.FromWeights(Checkpoint.Config, Checkpoint);
        var result = model.ClassifyTokens(Ids, Types, Mask);
        var r = new ReferenceBert(Checkpoint).Run(Ids, Types, Mask);
        var logits = new ReferenceBert(Checkpoint).Linear(r.Pooled!, "classifier");
        double max = logits.Max(), sum = logits.Sum(z => Math.Exp(z - max));
        var expected = logits.Select(z => Math.Exp(z - max) / sum).ToArray();
        BertNetworkTests.AssertClose(logits, result.Logits.ToArray());
        BertNetworkTests.AssertClose(expected, result.Scores.ToArray());
        int best = Array.IndexOf(logits, logits.Max());
        Assert.Equal(best, result.LabelId);
        Assert.Equal(new[] { "neg", "neu", "pos" }[best], result.Label);
    }

    [Fact]
    public void HeadsReportPresentWeightsAndMissingOnesThrow()
    {
        var bare = new RandomCheckpoint(RandomCheckpoint.TinyConfig(), seed: 22, pooler: false);
        using var model = BertModel.FromWeights(bare.Config, bare);
        Assert.Equal(BertHeads.None, model.Heads);
        Assert.Throws<InvalidOperationException>(() => model.EncodeTokens(Ids, Types, Mask, BertPooling.Pooler));
        Assert.Throws<InvalidOperationException>(() => model.ClassifyTokens(Ids, Types, Mask));
        using var full = BertModel.FromWeights(Checkpoint.Config, Checkpoint);
        // No architectures: the classifier may serve either task, as transformers would load either class from these weights.
        Assert.Equal(BertHeads.Pooler | BertHeads.Classifier | BertHeads.SequenceClassification | BertHeads.TokenClassification, full.Heads);
    }

    [Fact]
    public void DisposedModelThrows()
    {
        var model = BertModel.FromWeights(Checkpoint.Config, Checkpoint);
        model.Dispose();
        model.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => model.EncodeTokens(Ids, Types, Mask, BertPooling.Mean));
    }

    [Fact]
    public void ConcurrentCallsAreSerializedAndAgree()
    {
        using var model = BertModel.FromWeights(Checkpoint.Config, Checkpoint);
        var expected = model.EncodeTokens(Ids, Types, Mask, BertPooling.Mean);
        // Two shapes interleaved from four threads: a shared workspace without the lock would mix them up.
        var results = new float[64][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            results[i] = i % 2 == 0 ? model.EncodeTokens(Ids, Types, Mask, BertPooling.Mean) : model.EncodeTokens(Ids[..2], Types[..2], Mask[..2], BertPooling.Mean));
        for (int i = 0; i < results.Length; i += 2) Assert.Equal(expected, results[i]);
    }
}
