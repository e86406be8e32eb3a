namespace Bert.RealWeights.Tests;

/// <summary>
/// Test-side forward and mean pooling written from the sentence-transformers rule (v = Σ_t h_t / n over the real
/// tokens, [CLS] and [SEP] included), independent of the library's embedding code.
/// </summary>
internal static class IndependentPooling
{
    /// <summary>last_hidden_state [tokens·hidden] of one text, through the span API.</summary>
    public static float[] Hidden(BertModel model, string text)
    {
        var encoding = model.Tokenizer!.Encode(text);
        var hidden = new float[encoding.Count * model.Config.HiddenSize];
        model.Forward(new BertInput(encoding), new BertOutputs { LastHiddenState = hidden });
        return hidden;
    }

    /// <summary>Mean over every row of an unpadded sequence, accumulated in double.</summary>
    public static float[] Mean(float[] hidden, int h)
    {
        int n = hidden.Length / h;
        var v = new double[h];
        for (int t = 0; t < n; t++)
            for (int c = 0; c < h; c++) v[c] += hidden[t * h + c];
        return v.Select(x => (float)(x / n)).ToArray();
    }
}
