using Xunit.Abstractions;
using static Bert.RealWeights.Tests.IndependentPooling;

namespace Bert.RealWeights.Tests;

/// <summary>
/// bfloat16 and int8 weights (<see cref="BertLoadOptions.WeightType"/>) on real all-MiniLM-L6-v2 weights: cosine to
/// our F32 output per token and per mean-pooled embedding over varied texts, and the published sbert similarities.
/// The F32 model itself is checked against ONNX Runtime (LastHiddenStateParityTests), so F32 is the reference here.
/// </summary>
[Collection(RealModelsCollection.Name)]
public sealed class ReducedPrecisionAccuracyTests(RealModels models, ITestOutputHelper output)
{
    [Theory]
    // Issue 9's goals. bfloat16 rounds each weight by ≤ 2⁻⁹ relative and keeps F32 arithmetic; int8 also quantizes
    // every activation row to 255 levels. Measured worst values are in the test log.
    [InlineData(BertWeightType.BFloat16, 0.9999)]
    [InlineData(BertWeightType.Int8, 0.995)]
    public void MiniLM_cosine_to_f32_per_token_and_per_embedding(BertWeightType type, double minCosine)
    {
        using var f32 = BertModel.Load(models.MiniLM.Folder);
        using var reduced = BertModel.Load(models.MiniLM.Folder, new BertLoadOptions { WeightType = type });
        int h = f32.Config.HiddenSize;
        double worstToken = 1, worstEmbedding = 1;
        string worstText = "";
        foreach (string text in Texts.Varied)
        {
            var a = Hidden(f32, text);
            var b = Hidden(reduced, text);
            for (int t = 0; t < a.Length / h; t++)
            {
                double c = Cosine(a.AsSpan(t * h, h), b.AsSpan(t * h, h));
                if (c < worstToken) (worstToken, worstText) = (c, text);
            }
            worstEmbedding = Math.Min(worstEmbedding, Cosine(Mean(a, h), Mean(b, h)));
        }
        output.WriteLine($"{type}: worst token cosine {worstToken:F6} (\"{worstText[..Math.Min(40, worstText.Length)]}\"), worst mean-pooled {worstEmbedding:F6}");
        Assert.True(worstToken >= minCosine, $"worst token cosine {worstToken:F6} < {minCosine}");
        Assert.True(worstEmbedding >= minCosine, $"worst embedding cosine {worstEmbedding:F6} < {minCosine}");
        Assert.True(worstToken < 1 - 1e-9, "identical to F32: the weight type was not applied");
    }

    [Theory]
    [InlineData(BertWeightType.BFloat16)]
    [InlineData(BertWeightType.Int8)]
    public void MiniLM_published_similarities_hold(BertWeightType type)
    {
        using var model = BertModel.Load(models.MiniLM.Folder, new BertLoadOptions { WeightType = type });
        int h = model.Config.HiddenSize;
        var e = Texts.Sentences.Select(s => Mean(Hidden(model, s), h)).ToArray();
        double[] cos = [Cosine(e[0], e[1]), Cosine(e[0], e[2]), Cosine(e[1], e[2])];
        output.WriteLine($"{type} all-MiniLM-L6-v2 cosines: {cos[0]:F4} {cos[1]:F4} {cos[2]:F4} (published 0.6660 0.1046 0.1411)");
        // Issue 9: the published sbert.net values (4 decimals) must hold within 0.01 with reduced-precision weights.
        Assert.Equal(0.6660, cos[0], 0.01);
        Assert.Equal(0.1046, cos[1], 0.01);
        Assert.Equal(0.1411, cos[2], 0.01);
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }
}
