using Bert.Kernels.Reference;

namespace Bert.Tests.Model;

/// <summary>
/// A second, deliberately plain BERT written straight from modeling_bert.py in double precision, one sequence at a time:
/// padded keys are skipped outright (not masked with a large negative), so it is independent of our mask handling.
/// The oracle both for our engine (Model tests) and for the synthetic ONNX graph (Synthetic tests).
/// </summary>
/// <param name="config">The architecture.</param>
/// <param name="weight">Bare HF tensor name → row-major values.</param>
/// <param name="contains">Whether the checkpoint has a tensor (pooler, untied MLM decoder).</param>
internal sealed class ReferenceBert(BertConfig config, Func<string, float[]> weight, Func<string, bool> contains)
{
    private readonly BertConfig _c = config;

    public ReferenceBert(RandomCheckpoint checkpoint) : this(checkpoint.Config, n => checkpoint[n], checkpoint.Contains) { }

    public sealed record Result(double[][] Hidden, double[]? Pooled);

    /// <summary>Runs one sequence: ids/types/mask of length seq.</summary>
    public Result Run(int[] ids, int[] types, int[] mask)
    {
        int seq = ids.Length, h = _c.HiddenSize;
        var x = new double[seq][];
        for (int t = 0; t < seq; t++)
        {
            x[t] = new double[h];
            for (int c = 0; c < h; c++)
                x[t][c] = (double)weight("embeddings.word_embeddings.weight")[ids[t] * h + c] + weight("embeddings.token_type_embeddings.weight")[types[t] * h + c]
                    + weight("embeddings.position_embeddings.weight")[t * h + c];
            x[t] = LayerNorm(x[t], "embeddings.LayerNorm");
        }
        for (int l = 0; l < _c.NumHiddenLayers; l++) x = Layer(x, mask, $"encoder.layer.{l}");
        double[]? pooled = contains("pooler.dense.weight") ? Linear(x[0], "pooler.dense").Select(Math.Tanh).ToArray() : null;
        return new Result(x, pooled);
    }

    public double[] MlmLogits(double[] hidden)
    {
        var t = LayerNorm(Act(Linear(hidden, "cls.predictions.transform.dense")), "cls.predictions.transform.LayerNorm");
        var decoder = contains("cls.predictions.decoder.weight") ? weight("cls.predictions.decoder.weight") : weight("embeddings.word_embeddings.weight");
        return Linear(t, decoder, weight("cls.predictions.bias"));
    }

    public double[] Linear(double[] x, string prefix) => Linear(x, weight(prefix + ".weight"), weight(prefix + ".bias"));

    private double[][] Layer(double[][] x, int[] mask, string p)
    {
        int seq = x.Length, heads = _c.NumAttentionHeads, d = _c.HeadSize;
        var q = x.Select(r => Linear(r, p + ".attention.self.query")).ToArray();
        var k = x.Select(r => Linear(r, p + ".attention.self.key")).ToArray();
        var v = x.Select(r => Linear(r, p + ".attention.self.value")).ToArray();
        var context = new double[seq][];
        for (int i = 0; i < seq; i++)
        {
            context[i] = new double[_c.HiddenSize];
            for (int hd = 0; hd < heads; hd++)
            {
                var keep = Enumerable.Range(0, seq).Where(j => mask[j] == 1).ToArray();
                bool allMasked = keep.Length == 0;
                if (allMasked) keep = Enumerable.Range(0, seq).ToArray();
                // All masked: HF's float32 scores all round to float.MinValue, so attention is uniform (all scores 0 here).
                var s = keep.Select(j => allMasked ? 0 : Enumerable.Range(0, d).Sum(e => q[i][hd * d + e] * k[j][hd * d + e]) / Math.Sqrt(d)).ToArray();
                double max = s.Max();
                var e2 = s.Select(z => Math.Exp(z - max)).ToArray();
                double sum = e2.Sum();
                for (int n = 0; n < keep.Length; n++)
                    for (int e = 0; e < d; e++) context[i][hd * d + e] += e2[n] / sum * v[keep[n]][hd * d + e];
            }
        }
        var attn = x.Select((r, i) => LayerNorm(Add(Linear(context[i], p + ".attention.output.dense"), r), p + ".attention.output.LayerNorm")).ToArray();
        return attn.Select(a => LayerNorm(Add(Linear(Act(Linear(a, p + ".intermediate.dense")), p + ".output.dense"), a), p + ".output.LayerNorm")).ToArray();
    }

    private static double[] Linear(double[] x, float[] weight, float[] bias)
    {
        var y = new double[bias.Length];
        for (int o = 0; o < y.Length; o++)
        {
            double acc = bias[o];
            for (int c = 0; c < x.Length; c++) acc += x[c] * weight[o * x.Length + c];
            y[o] = acc;
        }
        return y;
    }

    private double[] LayerNorm(double[] x, string prefix)
    {
        double mean = x.Average(), var = x.Select(z => (z - mean) * (z - mean)).Average();
        var g = weight(prefix + ".weight");
        var b = weight(prefix + ".bias");
        return x.Select((z, c) => (z - mean) / Math.Sqrt(var + _c.LayerNormEps) * g[c] + b[c]).ToArray();
    }

    private double[] Act(double[] x) => _c.HiddenAct switch
    {
        "gelu" => x.Select(z => 0.5 * z * (1 + NaiveKernels.Erf(z / Math.Sqrt(2)))).ToArray(),
        "relu" => x.Select(z => Math.Max(z, 0)).ToArray(),
        _ => x.Select(z => 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)))).ToArray(),
    };

    private static double[] Add(double[] a, double[] b) => a.Select((z, i) => z + b[i]).ToArray();
}
