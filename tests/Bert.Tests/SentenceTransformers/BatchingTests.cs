using Bert.Tests.Model;

namespace Bert.Tests.SentenceTransformers;

/// <summary>The many-text embedding path: token-budget batches on the packed forward, order restored, progress, cancellation.</summary>
public sealed class BatchingTests : IDisposable
{
    // Batch vs alone: the packed pass computes each sequence independently, so only summation order may differ.
    private const double BatchTolerance = 1e-5;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-embed-batch-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(BertPooling.Mean, false, 64)]
    [InlineData(BertPooling.Cls | BertPooling.Max, true, 100)]
    [InlineData(BertPooling.WeightedMean | BertPooling.LastToken | BertPooling.MeanSqrtLen, true, 7)]
    [InlineData(BertPooling.Pooler, false, 300)]
    public void BatchesEqualOneAtATimeInInputOrder(BertPooling pooling, bool normalize, int budget)
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "m"));
        using var model = BertModel.Load(ckpt.Folder);
        var texts = StFolder.Texts(40, seed: 3);
        var options = new EmbeddingOptions { Pooling = pooling, Normalize = normalize, MaxBatchTokens = budget };
        var batched = model.Encode(texts, options);
        Assert.Equal(texts.Length, batched.Length);
        for (int i = 0; i < texts.Length; i++)
            Assert.True(Compare.MaxAbs(model.Encode(texts[i], options), batched[i]) <= BatchTolerance, $"text {i}");
        // Distinct texts give distinct vectors, so a permutation would be caught.
        Assert.True(Compare.MaxAbs(batched[0], batched[1]) > 1e-3);
    }

    [Fact]
    public void ProgressCountsEveryTextAndTokenAndCancellationStops()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "p"));
        using var model = BertModel.Load(ckpt.Folder);
        var texts = StFolder.Texts(50, seed: 4);
        long expectedTokens = texts.Sum(t => (long)Math.Min(model.Tokenizer!.Encode(t).Ids.Length, model.MaxTextTokens));
        var reports = new List<EmbeddingProgress>();
        model.Encode(texts, new EmbeddingOptions { MaxBatchTokens = 128 }, new SyncProgress(reports.Add));
        Assert.True(reports.Count > 1, "several batches expected with a 128-token budget");
        Assert.Equal(new EmbeddingProgress(texts.Length, texts.Length, expectedTokens), reports[^1]);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Embedded < p.Second.Embedded));

        using var cts = new CancellationTokenSource();
        int batches = 0;
        var cancelAfterOne = new SyncProgress(_ => { if (++batches == 1) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => model.Encode(texts, new EmbeddingOptions { MaxBatchTokens = 64 }, cancelAfterOne, cts.Token));
        Assert.Equal(1, batches);
    }

    [Fact]
    public async Task AsyncAndStreamingFormsMatchTheListForm()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "s"));
        using var model = BertModel.Load(ckpt.Folder);
        var texts = StFolder.Texts(300, seed: 5);
        var options = new EmbeddingOptions { MaxBatchTokens = 100 }; // stream windows of 4 × 128 tokens: several windows
        var list = model.Encode(texts, options);
        var viaTask = await model.EncodeAsync(texts, options);
        var viaStream = model.EncodeStream(texts.Select(t => t), options).ToArray();
        var viaAsyncStream = new List<float[]>();
        await foreach (var v in model.EncodeStreamAsync(AsAsync(texts), options)) viaAsyncStream.Add(v);
        Assert.Equal(texts.Length, viaStream.Length);
        Assert.Equal(texts.Length, viaAsyncStream.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            // Same plan and same per-sequence computation: bit-identical whatever the batch it landed in is not promised, ≤ 1e-5 is.
            Assert.True(Compare.MaxAbs(list[i], viaTask[i]) <= BatchTolerance);
            Assert.True(Compare.MaxAbs(list[i], viaStream[i]) <= BatchTolerance);
            Assert.True(Compare.MaxAbs(list[i], viaAsyncStream[i]) <= BatchTolerance);
        }
    }

    [Fact]
    public void EmptyListGivesNoVectorsAndNullTextIsNamed()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "e"));
        using var model = BertModel.Load(ckpt.Folder);
        Assert.Empty(model.Encode(Array.Empty<string>()));
        var e = Assert.Throws<ArgumentNullException>(() => model.Encode(["a", null!, "b"]));
        Assert.Contains("texts[1]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Encode("a", new EmbeddingOptions { MaxBatchTokens = 0 }));
        Assert.Throws<ArgumentException>(() => model.Encode("a", new EmbeddingOptions { Pooling = BertPooling.None }));
        Assert.Throws<ArgumentException>(() => model.Encode("a", new EmbeddingOptions { Pooling = BertPooling.Pooler | BertPooling.Mean }));
    }

    private static async IAsyncEnumerable<string> AsAsync(IEnumerable<string> texts)
    {
        foreach (var t in texts)
        {
            await Task.Yield();
            yield return t;
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}

/// <summary>An IProgress that reports synchronously on the calling thread (Progress&lt;T&gt; posts asynchronously).</summary>
internal sealed class SyncProgress(Action<EmbeddingProgress> report) : IProgress<EmbeddingProgress>
{
    public void Report(EmbeddingProgress value) => report(value);
}
