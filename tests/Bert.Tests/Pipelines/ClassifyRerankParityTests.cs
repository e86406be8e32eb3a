using System.Text.Json.Nodes;
using Bert.Pipelines;
using Bert.Tests.Model;
using Bert.Tokenization;

namespace Bert.Tests.Pipelines;

/// <summary>Classify and Rerank on synthetic checkpoints against HF's rules (<see cref="HfRules"/>) applied to ONNX Runtime's logits.</summary>
public sealed class ClassifyRerankParityTests(TaskCheckpoints checkpoints) : IClassFixture<TaskCheckpoints>
{
    // ORT vs our summation order on the tiny model: logits differ by ≤ 1e-5 (see OnnxParityTests); softmax and sigmoid
    // are 1-Lipschitz, so scores differ by no more. 1e-4 leaves margin.
    private const double Tolerance = 1e-4;

    private static readonly (string Text, string? Pair)[] Inputs =
    [
        ("the cat sat on the mat.", null),
        ("a dog is running in the park!", "the cat sat on the mat."),
        ("hello world", null),
        ("what is the time", "it is late, very late"),
        ("one more sentence, a longer one, to fill a batch", null),
    ];

    [Theory]
    [InlineData(null, null)]                                         // default: 3 labels → softmax
    [InlineData("multi_label_classification", null)]                 // → sigmoid
    [InlineData("regression", null)]                                 // → raw logits
    [InlineData(null, ClassificationFunction.Sigmoid)]               // explicit function_to_apply
    public void ClassifyMatchesHfRulesOnOnnxLogits(string? problemType, ClassificationFunction? function)
    {
        var folder = checkpoints.Variant(checkpoints.Classifier, "cls-" + (problemType ?? "none") + function, ("problem_type", problemType));
        using var model = BertModel.Load(folder);
        var options = new TextClassificationOptions { TopK = null, MaxBatchTokens = 24, FunctionToApply = function ?? ClassificationFunction.Default };
        var results = model.Classify(Inputs, options);
        string? hfFunction = function?.ToString().ToLowerInvariant();
        for (int i = 0; i < Inputs.Length; i++)
        {
            var e = model.Tokenizer!.Encode(Inputs[i].Text, Inputs[i].Pair);
            var logits = checkpoints.Onnx(checkpoints.Classifier, e);
            var expected = HfRules.TextClassification(logits, problemType, hfFunction, topK: null);
            AssertRanked(expected, results[i].Labels.Select(l => (l.Id, (double)l.Score)).ToArray());
            Assert.Equal(new[] { "neg", "neu", "pos" }[results[i].LabelId], results[i].Label);
            Assert.True(Compare.MaxAbs(logits, [.. results[i].Logits]) <= Tolerance);
        }
        // top_k = 1 (the default) reports the best label only; every score stays in Scores.
        var single = model.Classify(Inputs[1].Text, Inputs[1].Pair!, options with { TopK = 1 });
        Assert.Single(single.Labels);
        Assert.Equal(results[1].LabelId, single.LabelId);
        Assert.Equal(3, single.Scores.Count);
    }

    [Fact]
    public void OneLabelCheckpointGetsSigmoidNotASoftmaxOfOne()
    {
        using var model = BertModel.Load(checkpoints.CrossEncoder.Folder);
        var r = model.Classify("is this relevant", "a passage about relevance");
        var logits = checkpoints.Onnx(checkpoints.CrossEncoder, model.Tokenizer!.Encode("is this relevant", "a passage about relevance"));
        Assert.Equal(ClassificationFunction.Sigmoid, r.Function);
        Assert.True(Math.Abs(1 / (1 + Math.Exp(-logits[0])) - r.Score) <= Tolerance);
        Assert.NotEqual(1f, r.Score); // the bug: softmax over one logit is always 1
    }

    [Fact]
    public async Task BatchedAndAsyncResultsEqualSingleCalls()
    {
        using var model = BertModel.Load(checkpoints.Classifier.Folder);
        var all = new TextClassificationOptions { TopK = null };
        var packed = model.Classify(Inputs, all with { MaxBatchTokens = 1 << 16 });
        var alone = model.Classify(Inputs, all with { MaxBatchTokens = 1 }); // one sequence per forward pass
        var viaAsync = await model.ClassifyAsync(Inputs, all);
        for (int i = 0; i < Inputs.Length; i++)
        {
            var one = Inputs[i].Pair is null ? model.Classify(Inputs[i].Text, all) : model.Classify(Inputs[i].Text, Inputs[i].Pair!, all);
            // Packing may only change summation order (the batch-vs-alone bound).
            Assert.True(Compare.MaxAbs([.. one.Logits], [.. packed[i].Logits]) <= 1e-5);
            Assert.True(Compare.MaxAbs([.. one.Logits], [.. alone[i].Logits]) <= 1e-5);
            Assert.True(Compare.MaxAbs([.. one.Logits], [.. viaAsync[i].Logits]) <= 1e-5);
        }
        var texts = model.Classify(["hello world", "the cat sat on the mat."]);
        Assert.Equal(model.Classify("hello world").LabelId, texts[0].LabelId);
    }

    [Fact]
    public async Task CancelledAsyncCallsThrow()
    {
        using var model = BertModel.Load(checkpoints.Classifier.Folder);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => model.ClassifyAsync(["a"], null, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => model.RerankAsync("q", ["a"], null, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => model.FillMaskAsync(["a [MASK]"], null, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => model.NextSentenceProbabilityAsync([("a", "b")], null, cts.Token));
        // Argument errors surface at the call, not inside the task.
        Assert.Throws<ArgumentException>(() => { _ = model.ClassifyAsync(Array.Empty<string>()); });
    }

    [Fact]
    public void TokenClassifierWithPoolerWeightsDoesNotAnswerClassify()
    {
        // The bug: a sequence classifier's weights (pooler + classifier) labelled BertForTokenClassification.
        var folder = checkpoints.Variant(checkpoints.Classifier, "tok-with-pooler", ("architectures", new JsonArray("BertForTokenClassification")));
        using var model = BertModel.Load(folder);
        Assert.True(model.Heads.HasFlag(BertHeads.Pooler | BertHeads.Classifier | BertHeads.TokenClassification));
        Assert.False(model.Heads.HasFlag(BertHeads.SequenceClassification));
        var error = Assert.Throws<InvalidOperationException>(() => model.Classify("hello world"));
        Assert.Contains("BertForTokenClassification", error.Message);
        var e = model.Tokenizer!.Encode("hello world");
        var (ids, types, cu) = BertPackedInput.Pack([e]);
        Assert.Throws<InvalidOperationException>(() => model.Forward(new BertPackedInput(ids, types, cu), new BertOutputs { SequenceClassificationLogits = new float[3] }));
        model.Forward(new BertPackedInput(ids, types, cu), new BertOutputs { TokenClassificationLogits = new float[ids.Length * 3] });
        // And the other way round: a sequence classifier does not label tokens.
        using var sequence = BertModel.Load(checkpoints.Classifier.Folder);
        Assert.Equal(BertHeads.Pooler | BertHeads.Classifier | BertHeads.SequenceClassification, sequence.Heads);
        Assert.Throws<InvalidOperationException>(() => sequence.Forward(new BertPackedInput(ids, types, cu), new BertOutputs { TokenClassificationLogits = new float[ids.Length * 3] }));
    }

    [Theory]
    [InlineData(null, true)]                                            // sentence-transformers' default for 1 label: sigmoid
    [InlineData("torch.nn.modules.linear.Identity", false)]             // activation_fn saved in config.json
    public void RerankMatchesCrossEncoderRankOnOnnxLogits(string? activation, bool sigmoid)
    {
        var config = activation is null ? null : new JsonObject { ["activation_fn"] = activation, ["version"] = "4.1.0" };
        var folder = checkpoints.Variant(checkpoints.CrossEncoder, "ce-" + sigmoid, ("sentence_transformers", config));
        using var model = BertModel.Load(folder);
        const string query = "where does the cat sit";
        string[] documents = ["the cat sat on the mat.", "dogs run in parks", "a cat, a mat, and a hat", "nothing at all", "the mat"];
        var ranked = model.Rerank(query, documents, new RerankOptions { TopK = 4, ReturnDocuments = true, MaxBatchTokens = 20 });
        var logits = documents.Select(d => checkpoints.Onnx(checkpoints.CrossEncoder, model.Tokenizer!.Encode(query, d))[0]).ToArray();
        var expected = HfRules.Rank(logits, sigmoid, topK: 4);
        Assert.Equal(4, ranked.Count);
        AssertRanked([.. expected.Select(x => (x.Index, x.Score))], [.. ranked.Select(r => (r.Index, (double)r.Score))]);
        Assert.All(ranked, r => Assert.Equal(documents[r.Index], r.Text));
        Assert.All(ranked, r => Assert.True(Math.Abs(logits[r.Index] - r.Logit) <= Tolerance));
        var raw = model.Rerank(query, documents, new RerankOptions { Activation = ClassificationFunction.None });
        Assert.All(raw, r => Assert.Equal(r.Logit, r.Score));
        Assert.All(raw, r => Assert.Null(r.Text));
    }

    [Theory]
    [InlineData(TruncationStrategy.LongestFirst)]
    [InlineData(TruncationStrategy.OnlySecond)]
    public void RerankTruncatesLongPairsAsAsked(TruncationStrategy truncation)
    {
        using var model = BertModel.Load(checkpoints.CrossEncoder.Folder);
        const string query = "where is the cat";
        string document = string.Join(' ', Enumerable.Repeat("the cat sat on the mat", 12));
        var r = model.Rerank(query, [document], new RerankOptions { Truncation = truncation, MaxLength = 24, Activation = ClassificationFunction.None });
        var e = model.Tokenizer!.Encode(query, document, truncation: truncation, maxLength: 24);
        Assert.Equal(24, e.Length);
        Assert.True(Math.Abs(checkpoints.Onnx(checkpoints.CrossEncoder, e)[0] - r[0].Score) <= Tolerance);
    }

    [Fact]
    public void RerankRefusesClassifiersWithSeveralLabelsAndBadOptions()
    {
        using var model = BertModel.Load(checkpoints.Classifier.Folder);
        Assert.Contains("3 labels", Assert.Throws<InvalidOperationException>(() => model.Rerank("q", ["d"])).Message);
        using var ce = BertModel.Load(checkpoints.CrossEncoder.Folder);
        Assert.Throws<ArgumentOutOfRangeException>(() => ce.Rerank("q", ["d"], new RerankOptions { Activation = ClassificationFunction.Softmax }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ce.Rerank("q", ["d"], new RerankOptions { TopK = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ce.Rerank("q", ["d"], new RerankOptions { MaxLength = 100_000 }));
        Assert.Throws<ArgumentException>(() => ce.Rerank("q", []));
        Assert.Throws<ArgumentNullException>(() => ce.Rerank("q", ["d", null!]));
    }

    /// <summary>Same ids in the same order, unless two reference scores tie within the tolerance; scores within the tolerance.</summary>
    private static void AssertRanked((int Id, double Score)[] expected, (int Id, double Score)[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var byId = expected.ToDictionary(x => x.Id, x => x.Score);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(actual[k].Id == expected[k].Id || Math.Abs(byId[actual[k].Id] - expected[k].Score) <= Tolerance, $"rank {k}: {actual[k].Id} vs {expected[k].Id}");
            Assert.True(Math.Abs(byId[actual[k].Id] - actual[k].Score) <= Tolerance, $"rank {k}: score {actual[k].Score} vs {byId[actual[k].Id]}");
        }
    }
}
