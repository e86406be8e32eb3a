using Bert.Synthetic;

namespace Bert.Tests.Synthetic;

/// <summary>
/// BERT straight from modeling_bert.py in double precision, one unpadded sequence at a time (so there is no mask at all):
/// the oracle for the ONNX graph. Weights come from <see cref="SyntheticCheckpoint.GenerateTensor"/> (the stored values).
/// </summary>
internal sealed class PlainBert(SyntheticOptions options)
{
    private readonly BertConfig _c = options.EffectiveConfig();
    private readonly Dictionary<string, float[]> _w = new();

    /// <summary>Head outputs by ONNX name: per-token rows [tokens][features], or one row for pooled outputs.</summary>
    public Dictionary<string, (bool PerToken, double[][] Rows)> Outputs(int[] ids, int[] types)
    {
        var x = Encoder(ids, types);
        double[] Pooled() => Linear(x[0], "pooler.dense").Select(Math.Tanh).ToArray();
        double[][] Each(Func<double[], double[]> f) => x.Select(f).ToArray();
        return options.Head switch
        {
            SyntheticHead.BertModel => new() { ["last_hidden_state"] = (true, x), ["pooler_output"] = (false, [Pooled()]) },
            SyntheticHead.MaskedLM => new() { ["logits"] = (true, Each(MlmLogits)) },
            SyntheticHead.PreTraining => new()
            {
                ["prediction_logits"] = (true, Each(MlmLogits)),
                ["seq_relationship_logits"] = (false, [Linear(Pooled(), "cls.seq_relationship")]),
            },
            SyntheticHead.NextSentencePrediction => new() { ["logits"] = (false, [Linear(Pooled(), "cls.seq_relationship")]) },
            SyntheticHead.SequenceClassification => new() { ["logits"] = (false, [Linear(Pooled(), "classifier")]) },
            SyntheticHead.TokenClassification => new() { ["logits"] = (true, Each(r => Linear(r, "classifier"))) },
            _ => new()
            {
                ["start_logits"] = (true, Each(r => [Linear(r, "qa_outputs")[0]])),
                ["end_logits"] = (true, Each(r => [Linear(r, "qa_outputs")[1]])),
            },
        };
    }

    private double[][] Encoder(int[] ids, int[] types)
    {
        int h = _c.HiddenSize;
        var x = new double[ids.Length][];
        for (int t = 0; t < ids.Length; t++)
        {
            var e = new double[h];
            for (int c = 0; c < h; c++)
                e[c] = W("embeddings.word_embeddings.weight")[ids[t] * h + c] + (double)W("embeddings.token_type_embeddings.weight")[types[t] * h + c]
                    + W("embeddings.position_embeddings.weight")[t * h + c];
            x[t] = LayerNorm(e, "embeddings.LayerNorm");
        }
        for (int l = 0; l < _c.NumHiddenLayers; l++) x = Layer(x, $"encoder.layer.{l}.");
        return x;
    }

    private double[][] Layer(double[][] x, string p)
    {
        int n = x.Length, heads = _c.NumAttentionHeads, d = _c.HeadSize;
        var q = x.Select(r => Linear(r, p + "attention.self.query")).ToArray();
        var k = x.Select(r => Linear(r, p + "attention.self.key")).ToArray();
        var v = x.Select(r => Linear(r, p + "attention.self.value")).ToArray();
        var output = new double[n][];
        for (int i = 0; i < n; i++)
        {
            var context = new double[_c.HiddenSize];
            for (int hd = 0; hd < heads; hd++)
            {
                // softmax_j(q_i · k_j / √d) over the real tokens only.
                var scores = new double[n];
                for (int j = 0; j < n; j++)
                {
                    for (int c = 0; c < d; c++) scores[j] += q[i][hd * d + c] * k[j][hd * d + c];
                    scores[j] /= Math.Sqrt(d);
                }
                double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                for (int j = 0; j < n; j++)
                    for (int c = 0; c < d; c++) context[hd * d + c] += Math.Exp(scores[j] - max) / sum * v[j][hd * d + c];
            }
            var attention = LayerNorm(Add(Linear(context, p + "attention.output.dense"), x[i]), p + "attention.output.LayerNorm");
            var intermediate = Linear(attention, p + "intermediate.dense").Select(Act).ToArray();
            output[i] = LayerNorm(Add(Linear(intermediate, p + "output.dense"), attention), p + "output.LayerNorm");
        }
        return output;
    }

    private double[] MlmLogits(double[] hidden)
    {
        var t = LayerNorm(Linear(hidden, "cls.predictions.transform.dense").Select(Act).ToArray(), "cls.predictions.transform.LayerNorm");
        var decoder = options.Decoder == MlmDecoderStorage.Untied ? "cls.predictions.decoder.weight" : "embeddings.word_embeddings.weight";
        return Linear(t, W(decoder), W("cls.predictions.bias"));
    }

    private double Act(double x) => _c.HiddenAct switch
    {
        "relu" => Math.Max(0, x),
        "gelu" => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        _ => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
    };

    // LayerNorm: (x − mean) / √(biased var + ε) · γ + β.
    private double[] LayerNorm(double[] x, string module)
    {
        double mean = x.Average(), variance = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        var (gamma, beta) = (W(module + ".weight"), W(module + ".bias"));
        return x.Select((v, i) => (v - mean) / Math.Sqrt(variance + _c.LayerNormEps) * gamma[i] + beta[i]).ToArray();
    }

    private double[] Linear(double[] x, string module) => Linear(x, W(module + ".weight"), W(module + ".bias"));

    // y[o] = Σ_i W[o, i] · x[i] + b[o], W stored [out, in].
    private static double[] Linear(double[] x, float[] weight, float[] bias)
    {
        var y = new double[bias.Length];
        for (int o = 0; o < y.Length; o++)
        {
            double sum = bias[o];
            for (int i = 0; i < x.Length; i++) sum += (double)weight[o * x.Length + i] * x[i];
            y[o] = sum;
        }
        return y;
    }

    private static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();

    private float[] W(string name)
    {
        if (!_w.TryGetValue(name, out var values)) _w[name] = values = SyntheticCheckpoint.GenerateTensor(options, name);
        return values;
    }

    // erf by its Maclaurin series (|x| ≤ 3) or continued fraction of erfc (|x| > 3); accurate to ~1e-15 (cf. A&S 7.1.5).
    private static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax > 3) return Math.Sign(x) * (1 - ErfcContinuedFraction(ax));
        double term = x, sum = x;
        for (int n = 1; n < 100; n++)
        {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static double ErfcContinuedFraction(double x)
    {
        double f = 0;
        for (int n = 60; n >= 1; n--) f = n / 2.0 / (x + f);
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / (x + f);
    }
}
