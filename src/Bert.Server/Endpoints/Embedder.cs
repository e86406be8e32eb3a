using Bert.Server.Http;
using Bert.Server.Inference;

namespace Bert.Server.Endpoints;

/// <summary>Text → pooled (optionally normalized) vectors through the batch queue.</summary>
internal static class Embedder
{
    /// <summary>Runs the inputs through the queue and pools each with the folder's settings (<see cref="Bert.SentenceTransformers.EmbeddingSettings.Pool"/>).</summary>
    public static async Task<float[][]> EmbedAsync(ModelHost.Loaded model, IReadOnlyList<EncodedInput> inputs, CancellationToken cancellationToken)
    {
        var settings = model.Embedding;
        var wanted = settings.Pooling == BertPooling.Pooler ? WantedOutputs.Pooler : WantedOutputs.Hidden;
        var work = inputs.Select(i => new SequenceWork(i.Ids, i.TypeIds, wanted)).ToArray();
        var results = await model.Queue.SubmitAsync(work, cancellationToken).ConfigureAwait(false);
        return [.. results.Select((r, i) => wanted == WantedOutputs.Pooler ? settings.Pool(r.Pooler, 1) : settings.Pool(r.Hidden, inputs[i].Ids.Length))];
    }

    /// <summary>Tokenizes a text for embedding: the folder's prompt and lower-casing, at most the embedding max length.</summary>
    public static EncodedInput Encode(ModelHost.Loaded model, string text, bool truncate, bool left, string field) =>
        TextInputs.Encode(model.Tokenizer, model.Embedding.PrepareText(text), null, truncate, left, model.Embedding.MaxLength, field);

    /// <summary>The array element name for error messages: <c>inputs[2]</c>, or <c>inputs</c> for a single value.</summary>
    public static string Field(string field, int index, bool array) => array ? $"{field}[{index}]" : field;
}
