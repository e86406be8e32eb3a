using Bert.Synthetic;
using Bert.Tests.Model;

namespace Bert.Tests.Synthetic;

/// <summary>
/// The oracle for the ONNX graph: <see cref="ReferenceBert"/> (double precision, straight from modeling_bert.py) run on one
/// unpadded sequence at a time over the stored values from <see cref="SyntheticCheckpoint.GenerateTensor"/>, mapped to the
/// ONNX output names of each head.
/// </summary>
internal sealed class PlainBert
{
    private readonly SyntheticOptions _options;
    private readonly Dictionary<string, float[]> _w = new();
    private readonly ReferenceBert _bert;

    public PlainBert(SyntheticOptions options)
    {
        _options = options;
        _bert = new ReferenceBert(options.EffectiveConfig(), W, Has);
    }

    /// <summary>Head outputs by ONNX name: per-token rows [tokens][features], or one row for pooled outputs.</summary>
    public Dictionary<string, (bool PerToken, double[][] Rows)> Outputs(int[] ids, int[] types)
    {
        var result = _bert.Run(ids, types, mask: [.. ids.Select(_ => 1)]);
        var x = result.Hidden;
        double[] Pooled() => result.Pooled!;
        double[] Linear(double[] row, string module) => _bert.Linear(row, module);
        double[] MlmLogits(double[] row) => _bert.MlmLogits(row);
        double[][] Each(Func<double[], double[]> f) => x.Select(f).ToArray();
        return _options.Head switch
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

    private float[] W(string name)
    {
        if (!_w.TryGetValue(name, out var values)) _w[name] = values = SyntheticCheckpoint.GenerateTensor(_options, name);
        return values;
    }

    private bool Has(string name)
    {
        try { W(name); return true; }
        catch (KeyNotFoundException) { return false; }
    }
}
