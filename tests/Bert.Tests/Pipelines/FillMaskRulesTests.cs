using Bert.Pipelines;
using Bert.Tokenization;

namespace Bert.Tests.Pipelines;

/// <summary>Hand-worked fill-mask post-processing on a handmade vocabulary: ## pieces, filled sequences, several masks, ties.</summary>
public class FillMaskRulesTests
{
    private static readonly string[] Tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "i", "like", "play", "##ing", "the", "."];

    private static readonly BertTokenizer Tokenizer = new(new Vocabulary(Tokens.Select((t, i) => KeyValuePair.Create(t, i))));

    private static float[] Logits(params (int Id, float Logit)[] set)
    {
        var z = new float[Tokens.Length];
        Array.Fill(z, -10f);
        foreach (var (id, logit) in set) z[id] = logit;
        return z;
    }

    [Fact]
    public void WordPieceCandidateJoinsItsWordInTheSequenceButNotInTokenStr()
    {
        var e = Tokenizer.Encode("i like play [MASK].");
        Assert.Equal([2, 5, 6, 7, 4, 10, 3], e.Ids);
        var result = FillMaskPipeline.Postprocess(Tokenizer, e.Ids, [4], Logits((8, 3f), (9, 2f)), Tokens.Length, 2, null);
        Assert.Equal("##ing", result[0][0].Token);                   // HF token_str = decode([id]): a lone piece keeps its ##
        Assert.Equal("i like playing.", result[0][0].Sequence);       // "play ##ing" joins; " ." cleaned up
        Assert.Equal("the", result[0][1].Token);
        Assert.Equal("i like play the.", result[0][1].Sequence);
        // p = e^3 / (e^3 + e^2 + 9 e^{-10})
        double denominator = Math.Exp(3) + Math.Exp(2) + 9 * Math.Exp(-10);
        Assert.Equal(Math.Exp(3) / denominator, result[0][0].Score, 6);
        Assert.Equal(Math.Exp(2) / denominator, result[0][1].Score, 6);
    }

    [Fact]
    public void EachMaskIsScoredAloneAndTheOtherMasksStayInItsSequence()
    {
        var e = Tokenizer.Encode("[MASK] like [MASK].");
        Assert.Equal([2, 4, 6, 4, 10, 3], e.Ids);
        var logits = Logits((5, 4f)).Concat(Logits((9, 4f))).ToArray(); // mask 1 → "i", mask 2 → "the"
        var result = FillMaskPipeline.Postprocess(Tokenizer, e.Ids, [1, 3], logits, Tokens.Length, 1, null);
        Assert.Equal("i like [MASK].", result[0][0].Sequence);
        Assert.Equal("[MASK] like the.", result[1][0].Sequence);
    }

    [Fact]
    public void TiesGoToTheLowerIdAndTargetsKeepWholeVocabularyProbabilities()
    {
        var e = Tokenizer.Encode("i [MASK]");
        var tie = FillMaskPipeline.Postprocess(Tokenizer, e.Ids, [2], Logits((9, 1f), (6, 1f)), Tokens.Length, 2, null);
        Assert.Equal([6, 9], tie[0].Select(p => p.Id));
        var targeted = FillMaskPipeline.Postprocess(Tokenizer, e.Ids, [2], Logits((9, 1f), (6, 1f)), Tokens.Length, 5, [7, 9]);
        Assert.Equal([9, 7], targeted[0].Select(p => p.Id));          // top_k capped at 2 targets
        Assert.Equal(tie[0][1].Score, targeted[0][0].Score);          // same probability as without targets
    }

    [Fact]
    public void TargetsResolveLikeHf()
    {
        // "Play" is not an entry (case-sensitive lookup) → tokenized → "play"; "playing" → first piece "play"; "" → skipped.
        Assert.Equal([7, 8], FillMaskPipeline.ResolveTargets(Tokenizer, ["Play", "playing", "##ing", ""]));
        Assert.Throws<ArgumentException>(() => FillMaskPipeline.ResolveTargets(Tokenizer, ["", " "]));
    }
}
