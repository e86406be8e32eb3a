using Xunit.Abstractions;

namespace Bert.RealWeights.Tests;

/// <summary>
/// The imported folders run by our engine against ONNX Runtime on the original export, text by text
/// (tokenized by our tokenizer from the imported folder, truncated to the folder's max length).
/// </summary>
[Collection(RealModelsCollection.Name)]
public sealed class LastHiddenStateParityTests(RealModels models, ITestOutputHelper output)
{
    // 1e-4 absolute: the bound. Hidden values of these models are O(1) (|h| up to ~10), F32 accumulation over
    // 6 layers of 384-wide dot products in a different order than ORT's leaves differences of a few 1e-6.
    private const float Tolerance = 1e-4f;

    [Fact]
    public void MiniLM_matches_onnx_runtime() => AssertParity(models.MiniLM, "all-MiniLM-L6-v2");

    [Fact]
    public void ArcticXs_matches_onnx_runtime() => AssertParity(models.ArcticXs, "snowflake-arctic-embed-xs");

    [Fact]
    public void MiniLM_pooler_output_matches_onnx_runtime()
    {
        // The MiniLM export also returns pooler_output (an anonymous output name): tanh(W·h_0 + b) of the imported pooler.
        var real = models.MiniLM;
        string pooled = real.Session.OutputMetadata.Keys.Single(k => k != "last_hidden_state");
        using var model = BertModel.Load(real.Folder);
        var encoding = model.Tokenizer!.Encode(Texts.Sentences[0]);
        var ours = new float[model.Config.HiddenSize];
        model.Forward(new BertInput(encoding), new BertOutputs { PoolerOutput = ours });
        float[] reference = real.Ort(encoding.Ids, encoding.TypeIds, pooled);
        Assert.Equal(reference.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++) Assert.True(Math.Abs(ours[i] - reference[i]) <= Tolerance, $"pooler_output[{i}]"); // tanh output, |y| ≤ 1
    }

    private void AssertParity(RealModel real, string name)
    {
        using var model = BertModel.Load(real.Folder);
        float worst = 0;
        int longest = 0;
        foreach (string text in Texts.Varied)
        {
            var encoding = model.Tokenizer!.Encode(text);
            longest = Math.Max(longest, encoding.Count);
            var ours = new float[encoding.Count * model.Config.HiddenSize];
            model.Forward(new BertInput(encoding), new BertOutputs { LastHiddenState = ours });
            float[] reference = real.OrtLastHiddenState(encoding.Ids, encoding.TypeIds);
            Assert.Equal(reference.Length, ours.Length);
            float maxAbs = 0;
            for (int i = 0; i < ours.Length; i++) maxAbs = Math.Max(maxAbs, Math.Abs(ours[i] - reference[i]));
            Assert.True(maxAbs <= Tolerance, $"{name}: max-abs {maxAbs:E2} on \"{text[..Math.Min(40, text.Length)]}\"");
            worst = Math.Max(worst, maxAbs);
        }
        Assert.Equal(model.Tokenizer!.MaxLength, longest); // the long texts really were truncated at max_seq_length
        output.WriteLine($"{name}: {Texts.Varied.Count} texts, up to {longest} tokens, last_hidden_state max-abs vs ORT {worst:E2}");
    }
}
