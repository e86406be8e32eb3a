using Bert.Tests.Model;
using Xunit.Abstractions;

namespace Bert.Tests.SentenceTransformers;

/// <summary>
/// 10,000 mixed-length texts through the batching API on the tiny synthetic model (H 64): every vector equals the
/// one-at-a-time vector, and the live memory measured after each forward pass stays bounded by the token budget.
/// Live memory is process-wide, so this class runs alone (after the parallel tests), not beside other tests.
/// </summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class LargeRunTests(ITestOutputHelper output) : IDisposable
{
    private const int Count = 10_000;
    private const int Budget = 1024;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-embed-large-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void TenThousandTextsEqualOneAtATimeWithBoundedMemory()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "m"));
        using var model = BertModel.Load(ckpt.Folder);
        var options = new EmbeddingOptions { MaxBatchTokens = Budget };
        var texts = StFolder.Texts(Count, seed: 10, maxWords: 120); // 1 to 128 tokens after truncation at 128 positions
        model.Encode(texts.Take(50).ToArray(), options); // warm the engine's workspace before the baseline

        var sw = System.Diagnostics.Stopwatch.StartNew();
        long baseline = LiveBytes();
        long peak = 0;
        int batches = 0;
        // Live memory sampled after every 8th forward pass (a full GC each time): the buffers are the same for every batch.
        var vectors = model.Encode(texts, options, new SyncProgress(_ => { if (batches++ % 8 == 0) peak = Math.Max(peak, LiveBytes()); }));
        long listPeak = peak - baseline;
        output.WriteLine($"list {sw.ElapsedMilliseconds} ms"); sw.Restart();

        // Batch vs alone: same per-sequence computation on the packed path; only summation order may differ.
        double worst = 0;
        for (int i = 0; i < Count; i++) worst = Math.Max(worst, Compare.MaxAbs(model.Encode(texts[i], options), vectors[i]));
        Assert.True(worst <= 1e-5, $"max |batched − alone| = {worst}");
        output.WriteLine($"alone {sw.ElapsedMilliseconds} ms"); sw.Restart();

        // Streaming form: texts made lazily, vectors dropped as they come: live memory must not grow with the count.
        vectors = null;
        texts = null;
        baseline = LiveBytes();
        peak = 0;
        int streamed = 0;
        int streamBatches = 0;
        foreach (var v in model.EncodeStream(LazyTexts(Count), options, new SyncProgress(_ => { if (streamBatches++ % 8 == 0) peak = Math.Max(peak, LiveBytes()); })))
        {
            Assert.Equal(64, v.Length);
            streamed++;
        }
        long streamPeak = peak - baseline;
        output.WriteLine($"stream {sw.ElapsedMilliseconds} ms"); sw.Restart();
        Assert.Equal(Count, streamed);

        // Bound: the call's buffers (budget·(hidden + 1)·4 B ≈ 270 KB here) plus one stream window of texts and vectors
        // (≤ 4·1024 tokens → ≤ 2,048 texts · (64 floats + strings) ≈ 1.3 MB); 4 MB leaves room for the GC's own bookkeeping.
        output.WriteLine($"{batches} batches; peak live memory above baseline: list form {listPeak / 1024} KB (holds {Count} results of 64 floats = {Count * 64 * 4 / 1024} KB), stream form {streamPeak / 1024} KB");
        Assert.True(streamPeak < 4 << 20, $"stream peak {streamPeak} B");
        Assert.True(listPeak < (4 << 20) + Count * (64 * 4 + 32), $"list peak {listPeak} B");
    }

    private static IEnumerable<string> LazyTexts(int count)
    {
        for (int i = 0; i < count; i += 100)
            foreach (var t in StFolder.Texts(100, seed: 10_000 + i, maxWords: 120)) yield return t;
    }

    private static long LiveBytes() => GC.GetTotalMemory(forceFullCollection: true);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}

/// <summary>Tests that measure process-wide memory: run with no other test in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "memory measurement";
}
