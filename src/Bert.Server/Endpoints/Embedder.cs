using Bert.Server.Http;
using Bert.Server.Inference;

namespace Bert.Server.Endpoints;

/// <summary>Text → pooled (optionally normalized) vectors through the batch queue.</summary>
internal static class Embedder
{
    /// <summary>Runs the inputs through the queue and pools each as the server's <see cref="BertServerOptions.Pooling"/> says.</summary>
    public static async Task<float[][]> EmbedAsync(ModelHost.Loaded model, BertPooling pooling, IReadOnlyList<EncodedInput> inputs, CancellationToken cancellationToken)
    {
        var wanted = pooling == BertPooling.Pooler ? WantedOutputs.Pooler : WantedOutputs.Hidden;
        var work = inputs.Select(i => new SequenceWork(i.Ids, i.TypeIds, wanted)).ToArray();
        var results = await model.Queue.SubmitAsync(work, cancellationToken).ConfigureAwait(false);
        int h = model.Model.Config.HiddenSize;
        return [.. results.Select(r => pooling switch
        {
            BertPooling.Pooler => r.Pooler!,
            BertPooling.Cls => EmbeddingMath.Cls(r.Hidden, h),
            _ => EmbeddingMath.Mean(r.Hidden, h),
        })];
    }

    /// <summary>The array element name for error messages: <c>inputs[2]</c>, or <c>inputs</c> for a single value.</summary>
    public static string Field(string field, int index, bool array) => array ? $"{field}[{index}]" : field;
}
