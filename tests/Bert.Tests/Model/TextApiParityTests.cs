using Bert.Synthetic;

namespace Bert.Tests.Model;

/// <summary>The text conveniences of <see cref="BertModel"/> on synthetic checkpoints, checked against ONNX Runtime on the same token ids.</summary>
public sealed class TextApiParityTests : IDisposable
{
    // See OnnxParityTests: ORT vs our summation order on the tiny model stays ≤ 1e-5; 1e-4 leaves margin.
    private const double Tolerance = 1e-4;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-model-text-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void ClassifyPairMatchesSoftmaxOfOnnxLogits()
    {
        var options = new SyntheticOptions { Head = SyntheticHead.SequenceClassification, NumLabels = 3, LabelNames = ["contradiction", "neutral", "entailment"], WriteOnnx = true, Seed = 5 };
        var ckpt = SyntheticCheckpoint.Create(Path.Combine(_root, "cls"), options);
        using var model = BertModel.Load(ckpt.Folder);
        Assert.NotNull(model.Tokenizer);
        var e = model.Tokenizer!.Encode("the cat sat on the mat.", "a dog is running!");
        using var ort = new OnnxReference(ckpt.OnnxPath!);
        var logits = ort.Run(e.Ids, e.TypeIds, e.AttentionMask, 1, e.Ids.Length)["logits"];

        var result = model.Classify("the cat sat on the mat.", "a dog is running!");
        Assert.True(Compare.MaxAbs(logits, result.Logits.ToArray()) <= Tolerance);
        double max = logits.Max(), sum = logits.Sum(z => Math.Exp(z - max));
        for (int i = 0; i < 3; i++) Assert.True(Math.Abs(Math.Exp(logits[i] - max) / sum - result.Scores[i]) <= Tolerance);
        int best = Array.IndexOf(logits, logits.Max());
        Assert.Equal(best, result.LabelId);
        Assert.Equal(options.LabelNames[best], result.Label);
        // A single text is "[CLS] A [SEP]" with type ids 0.
        var single = model.Tokenizer.Encode("the cat sat on the mat.");
        var singleLogits = ort.Run(single.Ids, single.TypeIds, single.AttentionMask, 1, single.Ids.Length)["logits"];
        Assert.True(Compare.MaxAbs(singleLogits, model.Classify("the cat sat on the mat.").Logits.ToArray()) <= Tolerance);
        var viaSpans = new float[3];
        model.Forward(new BertInput(single), new BertOutputs { SequenceClassificationLogits = viaSpans });
        Assert.True(Compare.MaxAbs(singleLogits, viaSpans) <= Tolerance);
    }

    [Fact]
    public void EncodeMeanPoolsOnnxHiddenStateAndBatchRowsMatchSingleTexts()
    {
        var ckpt = SyntheticCheckpoint.Create(Path.Combine(_root, "base"), new SyntheticOptions { WriteOnnx = true, Seed = 9 });
        using var model = BertModel.Load(ckpt.Folder);
        string[] texts = ["hello world", "the quick brown fox jumps over the lazy dog, twice.", "a"];
        int h = model.Config.HiddenSize;
        using var ort = new OnnxReference(ckpt.OnnxPath!);
        var batch = model.Encode(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            var e = model.Tokenizer!.Encode(texts[i]);
            var outputs = ort.Run(e.Ids, e.TypeIds, e.AttentionMask, 1, e.Ids.Length);
            var hidden = outputs["last_hidden_state"];
            var mean = new float[h];
            for (int c = 0; c < h; c++) mean[c] = (float)Enumerable.Range(0, e.Ids.Length).Average(t => hidden[t * h + c]);
            var single = model.Encode(texts[i]);
            Assert.True(Compare.MaxAbs(mean, single) <= Tolerance);
            Assert.True(Compare.MaxAbs(hidden.AsSpan(0, h), model.Encode(texts[i], BertPooling.Cls)) <= Tolerance);
            Assert.True(Compare.MaxAbs(outputs["pooler_output"], model.Encode(texts[i], BertPooling.Pooler)) <= Tolerance);
            // The batch-vs-alone bound: padding may change summation order only.
            Assert.True(Compare.MaxAbs(single, batch[i]) <= 1e-5);
        }
        Assert.True(Compare.MaxAbs(model.Encode(texts[1], BertPooling.Pooler), model.Encode(texts, BertPooling.Pooler)[1]) <= 1e-5);
    }

    [Fact]
    public void FillMaskTopKAndProbabilitiesMatchOnnxRuntime()
    {
        var ckpt = SyntheticCheckpoint.Create(Path.Combine(_root, "mlm"), new SyntheticOptions { Head = SyntheticHead.MaskedLM, WriteOnnx = true, Seed = 13 });
        using var model = BertModel.Load(ckpt.Folder);
        const string text = "the [MASK] sat on the mat, then [MASK] ran.";
        var e = model.Tokenizer!.Encode(text);
        int[] maskRows = [.. Enumerable.Range(0, e.Ids.Length).Where(i => e.Ids[i] == model.Tokenizer.MaskTokenId)];
        Assert.Equal(2, maskRows.Length);
        using var ort = new OnnxReference(ckpt.OnnxPath!);
        var logits = ort.Run(e.Ids, e.TypeIds, e.AttentionMask, 1, e.Ids.Length)["logits"];
        int v = model.Config.VocabSize;

        var predictions = model.FillMask(text, new Bert.Pipelines.FillMaskOptions { TopK = 5 });
        Assert.Equal(2, predictions.Count);
        for (int m = 0; m < 2; m++)
        {
            var z = logits.AsSpan(maskRows[m] * v, v).ToArray();
            double max = z.Max(), sum = z.Sum(x => Math.Exp(x - max));
            var expectedIds = Enumerable.Range(0, v).OrderByDescending(i => z[i]).ThenBy(i => i).Take(5).ToArray();
            for (int k = 0; k < 5; k++)
            {
                var p = predictions[m][k];
                // Same id, unless ORT scores both candidates within its rounding (a genuine tie).
                Assert.True(p.Id == expectedIds[k] || Math.Abs(z[p.Id] - z[expectedIds[k]]) <= Tolerance, $"mask {m} rank {k}: {p.Id} vs {expectedIds[k]}");
                Assert.True(Math.Abs(Math.Exp(z[p.Id] - max) / sum - p.Score) <= Tolerance);
                Assert.Equal(model.Tokenizer.Vocabulary.GetToken(p.Id), p.Token);
            }
        }
        Assert.Throws<ArgumentException>(() => model.FillMask("no mask here"));
    }

    [Fact]
    public void TextMethodsWithoutTokenizerOrHeadThrowInvalidOperation()
    {
        var ckpt = SyntheticCheckpoint.Create(Path.Combine(_root, "qa"), new SyntheticOptions { Head = SyntheticHead.QuestionAnswering, Seed = 2 });
        using (var model = BertModel.Load(ckpt.Folder))
        {
            Assert.Equal(BertHeads.QuestionAnswering, model.Heads);
            Assert.Throws<InvalidOperationException>(() => model.Classify("hello"));
            Assert.Throws<InvalidOperationException>(() => model.Encode("hello", BertPooling.Pooler));
            Assert.Throws<InvalidOperationException>(() => model.FillMask("hello [MASK]"));
        }
        File.Delete(Path.Combine(ckpt.Folder, "vocab.txt"));
        File.Delete(Path.Combine(ckpt.Folder, "tokenizer.json"));
        using var bare = BertModel.Load(ckpt.Folder);
        Assert.Null(bare.Tokenizer);
        Assert.Contains("tokenizer", Assert.Throws<InvalidOperationException>(() => bare.Encode("hello")).Message);
    }

    [Fact]
    public void LongTextIsTruncatedToMaxPositionEmbeddings()
    {
        var ckpt = SyntheticCheckpoint.Create(Path.Combine(_root, "long"), new SyntheticOptions { Seed = 3 });
        using var model = BertModel.Load(ckpt.Folder);
        string text = string.Join(' ', Enumerable.Repeat("word", 400)); // tiny preset: 128 positions
        Assert.Equal(model.Config.HiddenSize, model.Encode(text).Length);
        // The span API refuses instead: it never truncates silently.
        var ids = new int[model.Config.MaxPositionEmbeddings + 1];
        var hidden = new float[ids.Length * model.Config.HiddenSize];
        Assert.Throws<ArgumentException>(() => model.Forward(new BertInput(ids, default, default, 1, ids.Length), new BertOutputs { LastHiddenState = hidden }));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
