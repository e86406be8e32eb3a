using Bert.Synthetic;

namespace Bert.Tests.Model;

/// <summary>Runs our model for a synthetic head and returns its outputs under the ONNX graph's output names.</summary>
internal static class HeadOutputs
{
    public static Dictionary<string, float[]> Run(BertModel model, SyntheticHead head, PairBatch batch)
    {
        var c = model.Config;
        int b = batch.Batch, t = batch.Batch * batch.Seq, h = c.HiddenSize, v = c.VocabSize, l = model.NumLabels;
        var o = new Dictionary<string, float[]>();
        float[] Out(string name, int length) => o[name] = new float[length];
        var outputs = head switch
        {
            SyntheticHead.BertModel => new BertOutputs { LastHiddenState = Out("last_hidden_state", t * h), PoolerOutput = Out("pooler_output", b * h) },
            SyntheticHead.MaskedLM => new BertOutputs { PredictionLogits = Out("logits", t * v) },
            SyntheticHead.NextSentencePrediction => new BertOutputs { SeqRelationshipLogits = Out("logits", b * 2) },
            SyntheticHead.PreTraining => new BertOutputs { PredictionLogits = Out("prediction_logits", t * v), SeqRelationshipLogits = Out("seq_relationship_logits", b * 2) },
            SyntheticHead.SequenceClassification => new BertOutputs { SequenceClassificationLogits = Out("logits", b * l) },
            SyntheticHead.TokenClassification => new BertOutputs { TokenClassificationLogits = Out("logits", t * l) },
            SyntheticHead.QuestionAnswering => new BertOutputs { StartLogits = Out("start_logits", t), EndLogits = Out("end_logits", t) },
            _ => throw new ArgumentOutOfRangeException(nameof(head)),
        };
        model.Forward(new BertInput(batch.Ids, batch.TypeIds, batch.Mask, batch.Batch, batch.Seq), outputs);
        return o;
    }
}
