using Xunit.Abstractions;

namespace Bert.RealWeights.Tests;

/// <summary>
/// Published and model-derived sentence similarities. Pooling and normalization are computed here, independently of the
/// library's embedding code, from the documented sentence-transformers rules: mean pooling v = Σ_t h_t / n over the
/// real tokens ([CLS] and [SEP] included), CLS pooling v = h_0, Normalize v / ‖v‖₂; cosine = u·v of unit vectors.
/// </summary>
[Collection(RealModelsCollection.Name)]
public sealed class SentenceSimilarityTests(RealModels models, ITestOutputHelper output)
{
    [Fact]
    public void MiniLM_reproduces_the_published_sbert_similarities()
    {
        using var model = BertModel.Load(models.MiniLM.Folder);
        var e = Texts.Sentences.Select(s => Normalize(Mean(Hidden(model, s), model.Config.HiddenSize))).ToArray();
        double[] cos = [Dot(e[0], e[1]), Dot(e[0], e[2]), Dot(e[1], e[2])];
        output.WriteLine($"all-MiniLM-L6-v2 cosines: {cos[0]:F4} {cos[1]:F4} {cos[2]:F4}");
        // sbert.net's quick-start table, printed to 4 decimals: 1e-3 covers the rounding and F32 noise.
        Assert.Equal(0.6660, cos[0], 1e-3);
        Assert.Equal(0.1046, cos[1], 1e-3);
        Assert.Equal(0.1411, cos[2], 1e-3);
    }

    [Fact]
    public void ArcticXs_cls_embeddings_match_onnx_runtime_and_the_model_numbers()
    {
        var real = models.ArcticXs;
        using var model = BertModel.Load(real.Folder);
        int h = model.Config.HiddenSize;
        var ours = Texts.Sentences.Select(s => Normalize(Hidden(model, s).AsSpan(0, h).ToArray())).ToArray();
        var reference = Texts.Sentences.Select(s =>
        {
            var encoding = model.Tokenizer!.Encode(s);
            return Normalize(real.OrtLastHiddenState(encoding.Ids, encoding.TypeIds).AsSpan(0, h).ToArray());
        }).ToArray();
        for (int i = 0; i < 3; i++)
            for (int c = 0; c < h; c++)
                Assert.True(Math.Abs(ours[i][c] - reference[i][c]) <= 1e-5, $"sentence {i} component {c}"); // unit vectors: F32 noise ~1e-7
        double[] cos = [Dot(ours[0], ours[1]), Dot(ours[0], ours[2]), Dot(ours[1], ours[2])];
        double[] expected = [Dot(reference[0], reference[1]), Dot(reference[0], reference[2]), Dot(reference[1], reference[2])];
        output.WriteLine($"snowflake-arctic-embed-xs cosines: ours {cos[0]:F4} {cos[1]:F4} {cos[2]:F4}, ORT {expected[0]:F4} {expected[1]:F4} {expected[2]:F4}");
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], cos[i], 1e-5);
        // The model's own numbers as measured when the issue was filed (CLS + normalize): within 1e-3 of 4-decimal values.
        Assert.Equal(0.8637, cos[0], 1e-3);
        Assert.Equal(0.7452, cos[1], 1e-3);
        Assert.Equal(0.7837, cos[2], 1e-3);
    }

    private static float[] Hidden(BertModel model, string text)
    {
        var encoding = model.Tokenizer!.Encode(text);
        var hidden = new float[encoding.Count * model.Config.HiddenSize];
        model.Forward(new BertInput(encoding), new BertOutputs { LastHiddenState = hidden });
        return hidden;
    }

    private static float[] Mean(float[] hidden, int h)
    {
        int n = hidden.Length / h;
        var v = new double[h];
        for (int t = 0; t < n; t++)
            for (int c = 0; c < h; c++) v[c] += hidden[t * h + c];
        return v.Select(x => (float)(x / n)).ToArray();
    }

    private static float[] Normalize(float[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => (float)(x / norm)).ToArray();
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
