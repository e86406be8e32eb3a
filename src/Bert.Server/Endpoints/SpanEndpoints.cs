using System.Text.Json;
using Bert.Pipelines;
using Bert.Server.Http;
using Bert.Server.Inference;
using Microsoft.AspNetCore.Http;

namespace Bert.Server.Endpoints;

/// <summary><c>POST /ner</c> and <c>POST /qa</c> on the core's span pipelines; each request runs as one job on the batcher thread.</summary>
internal static class SpanEndpoints
{
    /// <summary>
    /// Named entities of each input (<see cref="BertModel.ExtractEntities(IReadOnlyList{string}, TokenClassificationOptions?, CancellationToken)"/>):
    /// <c>aggregation_strategy</c> none/simple/first/average/max (default simple, as the Hugging Face Inference API),
    /// <c>ignore_labels</c> (default ["O"]), <c>stride</c> for texts longer than the model (windows). Without a stride, a
    /// text over the maximum length gives 422 unless <c>truncate</c> is true. The answer is [inputs][entities].
    /// </summary>
    public static async Task<IResult> Ner(HttpContext http, ModelHost host)
    {
        var m = host.Require();
        if (!m.Capabilities.TokenClassification)
            throw ApiException.Unsupported("/ner needs a token-classification model (BertForTokenClassification); this one has none.");
        var request = await ServerJson.ReadAsync<NerRequest>(http, host.Options.MaxRequestBodyBytes);
        var texts = TextInputs.Texts(request.Inputs, "inputs", host.Options);
        var strategy = request.AggregationStrategy?.ToLowerInvariant() switch
        {
            null or "simple" => AggregationStrategy.Simple,
            "none" => AggregationStrategy.None,
            "first" => AggregationStrategy.First,
            "average" => AggregationStrategy.Average,
            "max" => AggregationStrategy.Max,
            _ => throw ApiException.BadRequest($"Field 'aggregation_strategy' must be none, simple, first, average or max, got \"{request.AggregationStrategy}\"."),
        };
        bool array = request.Inputs.ValueKind == JsonValueKind.Array;
        int tokens = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            int n = m.Tokenizer.CountTokens(texts[i]) + 2;
            if (request.Stride is null && !(request.Truncate ?? false) && n > m.Model.MaxTextTokens)
                throw ApiException.TooManyTokens($"Field '{Embedder.Field("inputs", i, array)}' has {n} tokens, more than the model's maximum of {m.Model.MaxTextTokens}; set stride (windows) or truncate.");
            tokens += n;
        }
        var options = new TokenClassificationOptions { AggregationStrategy = strategy, IgnoreLabels = request.IgnoreLabels ?? ["O"], Stride = request.Stride };
        var found = await m.Queue.SubmitJobAsync((model, ct) => model.ExtractEntities(texts, options, ct), tokens, http.RequestAborted);
        bool grouped = strategy != AggregationStrategy.None;
        return Results.Json(found.Select(entities => entities.Select(e => new NerEntity(grouped ? null : e.Label, grouped ? e.Label : null,
            e.Score, e.Word, e.Start, e.End, e.Index)).ToArray()).ToArray(), ServerJson.Options);
    }

    /// <summary>
    /// Extractive QA (<see cref="BertModel.AnswerQuestions"/>): the best spans of <c>context</c> for <c>question</c>,
    /// best first, with Hugging Face's options (<c>top_k</c> 1, <c>max_answer_len</c> 15, <c>handle_impossible_answer</c>,
    /// <c>doc_stride</c>, <c>align_to_words</c>); long contexts run in overlapping windows. The answer is a list.
    /// </summary>
    public static async Task<IResult> Qa(HttpContext http, ModelHost host)
    {
        var m = host.Require();
        if (!m.Capabilities.QuestionAnswering)
            throw ApiException.Unsupported("/qa needs a question-answering model (BertForQuestionAnswering); this one has no qa_outputs head.");
        var request = await ServerJson.ReadAsync<QaRequest>(http, host.Options.MaxRequestBodyBytes);
        string question = RequiredString(request.Question, "question", host.Options);
        string context = RequiredString(request.Context, "context", host.Options);
        var options = new QuestionAnsweringOptions
        {
            TopK = request.TopK ?? 1,
            MaxAnswerLength = request.MaxAnswerLength ?? 15,
            HandleImpossibleAnswer = request.HandleImpossibleAnswer ?? false,
            DocStride = request.DocStride,
            AlignToWords = request.AlignToWords ?? true,
        };
        int tokens = m.Tokenizer.CountTokens(question) + m.Tokenizer.CountTokens(context) + 3;
        var answers = await m.Queue.SubmitJobAsync((model, ct) => model.AnswerQuestions([(question, context)], options, ct), tokens, http.RequestAborted);
        return Results.Json(answers[0].Select(a => new QaAnswer(a.Answer, a.Score, a.Start, a.End)).ToArray(), ServerJson.Options);
    }

    private static string RequiredString(JsonElement value, string field, BertServerOptions options)
    {
        if (value.ValueKind != JsonValueKind.String)
            throw ApiException.BadRequest(value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                ? $"Field '{field}' is required." : $"Field '{field}' must be a string, got {TextInputs.KindOf(value)}.");
        string text = value.GetString()!;
        if (text.Length == 0) throw ApiException.BadRequest($"Field '{field}' is empty.");
        TextInputs.CheckCharacters(text, field, options);
        return text;
    }
}
