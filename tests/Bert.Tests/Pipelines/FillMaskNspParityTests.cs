using Bert.Pipelines;
using Bert.Tests.Model;
using Bert.Tokenization;

namespace Bert.Tests.Pipelines;

/// <summary>FillMask and NextSentenceProbability on synthetic checkpoints against HF's rules applied to ONNX Runtime's logits.</summary>
public sealed class FillMaskNspParityTests(TaskCheckpoints checkpoints) : IClassFixture<TaskCheckpoints>
{
    // See ClassifyRerankParityTests: logits within 1e-5 of ORT, probabilities no further apart; 1e-4 leaves margin.
    private const double Tolerance = 1e-4;

    [Fact]
    public void FillMaskMatchesHfRulesOnOnnxLogits()
    {
        using var model = BertModel.Load(checkpoints.MaskedLM.Folder);
        var tokenizer = model.Tokenizer!;
        string[] texts = ["the [MASK] sat on the mat.", "[MASK] dog ran, then [MASK] cat sat.", "hello [MASK]"];
        var results = model.FillMask(texts, new FillMaskOptions { TopK = 4, MaxBatchTokens = 12 });
        int v = model.Config.VocabSize;
        for (int t = 0; t < texts.Length; t++)
        {
            var e = tokenizer.Encode(texts[t]);
            var logits = checkpoints.Onnx(checkpoints.MaskedLM, e);
            int[] masks = [.. Enumerable.Range(0, e.Ids.Length).Where(i => e.Ids[i] == tokenizer.MaskTokenId)];
            Assert.Equal(masks.Length, results[t].Count);
            for (int m = 0; m < masks.Length; m++)
            {
                var expected = HfRules.FillMask(logits.AsSpan(masks[m] * v, v).ToArray(), 4, null);
                var actual = results[t][m];
                Assert.Equal(4, actual.Count);
                for (int k = 0; k < 4; k++)
                {
                    var p = actual[k];
                    double reference = HfRules.Softmax(logits.AsSpan(masks[m] * v, v).ToArray())[p.Id];
                    Assert.True(p.Id == expected[k].Id || Math.Abs(reference - expected[k].Score) <= Tolerance, $"text {t} mask {m} rank {k}");
                    Assert.True(Math.Abs(reference - p.Score) <= Tolerance);
                    Assert.Equal(tokenizer.Decode([p.Id], skipSpecialTokens: false), p.Token); // HF token_str = decode([id])
                    Assert.Equal(ExpectedSequence(tokenizer, e.Ids, masks, m, p.Id), p.Sequence);
                }
            }
        }
    }

    /// <summary>
    /// HF: decode(ids with the mask replaced, skip_special_tokens = single mask). With several masks HF keeps every special
    /// token, "[CLS] … [SEP]" included; we differ on purpose by dropping [CLS] and [SEP] there (the other masks stay).
    /// </summary>
    private static string ExpectedSequence(BertTokenizer tokenizer, int[] ids, int[] masks, int m, int id)
    {
        var filled = (int[])ids.Clone();
        filled[masks[m]] = id;
        if (masks.Length == 1) return tokenizer.Decode(filled, skipSpecialTokens: true);
        string hf = tokenizer.Decode(filled, skipSpecialTokens: false);
        Assert.StartsWith("[CLS] ", hf);
        Assert.EndsWith(" [SEP]", hf);
        return hf["[CLS] ".Length..^" [SEP]".Length];
    }

    [Fact]
    public void FillMaskTargetsRestrictCandidatesWithoutRenormalising()
    {
        using var model = BertModel.Load(checkpoints.MaskedLM.Folder);
        var tokenizer = model.Tokenizer!;
        // "The" is not a vocabulary entry: tokenized to "the", a duplicate, so it counts once; "" yields no token and is skipped.
        string[] targets = ["of", "the", "The", "##a", "was", ""];
        var result = model.FillMask("the [MASK] sat.", new FillMaskOptions { Targets = targets, TopK = 10 })[0];
        int[] targetIds = [.. new[] { "of", "the", "##a", "was" }.Select(t => tokenizer.Vocabulary.GetId(t))];
        Assert.DoesNotContain(-1, targetIds);
        Assert.Equal(4, result.Count); // top_k capped at the number of distinct targets
        var e = tokenizer.Encode("the [MASK] sat.");
        int mask = Array.IndexOf(e.Ids, tokenizer.MaskTokenId), v = model.Config.VocabSize;
        var expected = HfRules.FillMask(checkpoints.Onnx(checkpoints.MaskedLM, e).AsSpan(mask * v, v).ToArray(), 10, targetIds);
        Assert.Equal(expected.Select(x => x.Id).Order(), result.Select(p => p.Id).Order());
        foreach (var p in result) Assert.True(Math.Abs(expected.First(x => x.Id == p.Id).Score - p.Score) <= Tolerance);
        Assert.True(result.Sum(p => p.Score) < 1); // probabilities over the whole vocabulary, not renormalised
        Assert.Throws<ArgumentException>(() => model.FillMask("the [MASK] sat.", new FillMaskOptions { Targets = [""] }));
    }

    [Fact]
    public void FillMaskRefusesTextsWithoutMaskAndExplainsTruncation()
    {
        using var model = BertModel.Load(checkpoints.MaskedLM.Folder);
        Assert.Contains("no mask", Assert.Throws<ArgumentException>(() => model.FillMask("no mask here")).Message);
        string longText = string.Join(' ', Enumerable.Repeat("word", 40)) + " [MASK]";
        Assert.Contains("truncated", Assert.Throws<ArgumentException>(() => model.FillMask(longText, new FillMaskOptions { MaxLength = 16 })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.FillMask("a [MASK]", new FillMaskOptions { TopK = 0 }));
        using var classifier = BertModel.Load(checkpoints.Classifier.Folder);
        Assert.Contains("cls.predictions", Assert.Throws<InvalidOperationException>(() => classifier.FillMask("a [MASK]")).Message);
    }

    [Fact]
    public void NextSentenceProbabilityIsSoftmaxOfOnnxSeqRelationshipLogits()
    {
        using var model = BertModel.Load(checkpoints.NextSentence.Folder);
        (string, string)[] pairs = [("the cat sat on the mat.", "then it slept."), ("hello world", "a dog ran in the park!"), ("a", "b")];
        var batch = model.NextSentenceProbability(pairs, new PipelineOptions { MaxBatchTokens = 10 });
        for (int i = 0; i < pairs.Length; i++)
        {
            var z = checkpoints.Onnx(checkpoints.NextSentence, model.Tokenizer!.Encode(pairs[i].Item1, pairs[i].Item2));
            double expected = HfRules.IsNext(z[0], z[1]);
            Assert.True(Math.Abs(expected - batch[i]) <= Tolerance);
            Assert.True(Math.Abs(expected - model.NextSentenceProbability(pairs[i].Item1, pairs[i].Item2)) <= Tolerance);
        }
        using var classifier = BertModel.Load(checkpoints.Classifier.Folder);
        Assert.Contains("seq_relationship", Assert.Throws<InvalidOperationException>(() => classifier.NextSentenceProbability("a", "b")).Message);
        Assert.Throws<ArgumentNullException>(() => model.NextSentenceProbability([("a", null!)]));
    }
}
