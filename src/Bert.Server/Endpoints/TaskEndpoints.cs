using System.Text.Json;
using Bert.Pipelines;
using Bert.Server.Http;
using Bert.Server.Inference;
using Microsoft.AspNetCore.Http;

namespace Bert.Server.Endpoints;

/// <summary>TEI's <c>/predict</c> (sequence classification) and <c>/rerank</c> (cross-encoder), and <c>/fill-mask</c>.</summary>
internal static class TaskEndpoints
{
    /// <summary>
    /// TEI <c>/predict</c>: <c>inputs</c> is a text, a pair <c>[a, b]</c> (an array of exactly two strings, as TEI reads
    /// it), or an array of texts/pairs. Each gets every label with its score — Hugging Face's default function
    /// (<see cref="ClassificationRules.Resolve"/>: softmax, or sigmoid for one label / multi-label; the logits with
    /// <c>raw_scores</c>) — highest first. Inputs of concurrent requests share packed batches. A batch answers with one list per input.
    /// </summary>
    public static async Task<IResult> Predict(HttpContext http, ModelHost host)
    {
        var m = host.Require();
        if (!m.Capabilities.SequenceClassification)
            throw ApiException.Unsupported("/predict needs a sequence-classification model (BertForSequenceClassification); this one has none.");
        var request = await ServerJson.ReadAsync<PredictRequest>(http, host.Options.MaxRequestBodyBytes);
        var (items, batch) = PredictInputs(request.Inputs, host.Options);
        bool left = TextInputs.TruncatesLeft(request.TruncationDirection, "truncation_direction");
        var inputs = items.Select((p, i) => TextInputs.Encode(m.Tokenizer, p.A, p.B, request.Truncate ?? false, left,
            m.Model.MaxTextTokens, batch ? $"inputs[{i}]" : "inputs")).ToArray();
        var logits = await ClassifyAsync(m, inputs, http.RequestAborted);
        var config = m.Model.Config;
        var function = request.RawScores ?? false ? ClassificationFunction.None
            : ClassificationRules.Resolve(ClassificationFunction.Default, config.ProblemType, m.Model.NumLabels);
        var predictions = logits.Select(z => ClassificationRules.Postprocess(z, function, config.Id2Label, topK: null).Labels
            .Select(l => new Prediction(l.Score, l.Label)).ToArray()).ToArray();
        return batch ? Results.Json(predictions, ServerJson.Options) : Results.Json(predictions[0], ServerJson.Options);
    }

    /// <summary>
    /// TEI <c>/rerank</c> on the core's cross-encoder reranking (<see cref="BertModel.Rerank"/>: s = sigmoid(z) or the
    /// activation config.json names; z with <c>raw_scores</c>): the texts highest score first with their index, and
    /// their text with <c>return_text</c>. Runs as one job on the batcher thread.
    /// </summary>
    public static async Task<IResult> Rerank(HttpContext http, ModelHost host)
    {
        var m = host.Require();
        if (!m.Capabilities.SequenceClassification || m.Model.NumLabels != 1)
            throw ApiException.Unsupported($"/rerank needs a cross-encoder: a sequence-classification model with one label; this one has {(m.Capabilities.SequenceClassification ? $"{m.Model.NumLabels} labels" : "no classifier")}.");
        var request = await ServerJson.ReadAsync<RerankRequest>(http, host.Options.MaxRequestBodyBytes);
        if (request.Query.ValueKind != JsonValueKind.String)
            throw ApiException.BadRequest(request.Query.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                ? "Field 'query' is required." : $"Field 'query' must be a string, got {TextInputs.KindOf(request.Query)}.");
        string query = request.Query.GetString()!;
        TextInputs.CheckCharacters(query, "query", host.Options);
        if (request.Texts.ValueKind != JsonValueKind.Array)
            throw ApiException.BadRequest(request.Texts.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                ? "Field 'texts' is required." : $"Field 'texts' must be an array of strings, got {TextInputs.KindOf(request.Texts)}.");
        var texts = TextInputs.Texts(request.Texts, "texts", host.Options);
        bool truncate = request.Truncate ?? false;
        if (TextInputs.TruncatesLeft(request.TruncationDirection, "truncation_direction"))
            throw ApiException.BadRequest("Field 'truncation_direction': /rerank truncates pairs from the right only.");
        int tokens = 0;
        for (int i = 0; i < texts.Length; i++)   // 422 up front when a pair is too long and truncation is off
            tokens += TextInputs.Encode(m.Tokenizer, query, texts[i], truncate, left: false, m.Model.MaxTextTokens, $"texts[{i}]").Ids.Length;
        var options = new RerankOptions
        {
            ReturnDocuments = request.ReturnText ?? false,
            Activation = request.RawScores ?? false ? ClassificationFunction.None : ClassificationFunction.Default,
        };
        var ranked = await m.Queue.SubmitJobAsync((model, _) => model.Rerank(query, texts, options), tokens, http.RequestAborted);
        return Results.Json(ranked.Select(r => new Rank(r.Index, r.Score, r.Text)).ToArray(), ServerJson.Options);
    }

    private static async Task<float[][]> ClassifyAsync(ModelHost.Loaded m, EncodedInput[] inputs, CancellationToken cancellationToken)
    {
        var work = inputs.Select(i => new SequenceWork(i.Ids, i.TypeIds, WantedOutputs.SequenceLogits)).ToArray();
        var results = await m.Queue.SubmitAsync(work, cancellationToken).ConfigureAwait(false);
        return [.. results.Select(r => r.SequenceLogits!)];
    }

    /// <summary>TEI's predict input: a text, a pair (exactly two strings), or an array of texts and pairs.</summary>
    private static ((string A, string? B)[] Items, bool Batch) PredictInputs(JsonElement inputs, BertServerOptions options)
    {
        if (IsPair(inputs)) return ([Pair(inputs, "inputs", options)], false);
        if (inputs.ValueKind == JsonValueKind.String) return ([One(inputs, "inputs", options)], false);
        if (inputs.ValueKind != JsonValueKind.Array)
            throw ApiException.BadRequest(inputs.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                ? "Field 'inputs' is required." : $"Field 'inputs' must be a string, a pair of strings or an array of them, got {TextInputs.KindOf(inputs)}.");
        int n = inputs.GetArrayLength();
        if (n == 0) throw ApiException.BadRequest("Field 'inputs' is an empty array: give at least one input.");
        TextInputs.CheckCount(n, "inputs", options);
        return ([.. inputs.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.Array ? Pair(e, $"inputs[{i}]", options) : One(e, $"inputs[{i}]", options))], true);
    }

    private static bool IsPair(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2 && e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String);

    private static (string, string?) One(JsonElement e, string field, BertServerOptions options)
    {
        if (e.ValueKind != JsonValueKind.String) throw ApiException.BadRequest($"Field '{field}' must be a string or a pair of strings, got {TextInputs.KindOf(e)}.");
        TextInputs.CheckCharacters(e.GetString()!, field, options);
        return (e.GetString()!, null);
    }

    private static (string, string?) Pair(JsonElement e, string field, BertServerOptions options)
    {
        if (!IsPair(e)) throw ApiException.BadRequest($"Field '{field}' must be a pair of two strings.");
        var (a, b) = (e[0].GetString()!, e[1].GetString()!);
        TextInputs.CheckCharacters(a, field + "[0]", options);
        TextInputs.CheckCharacters(b, field + "[1]", options);
        return (a, b);
    }
}
