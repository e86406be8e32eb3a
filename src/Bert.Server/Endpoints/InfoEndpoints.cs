using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Bert.Server.Http;
using Bert.Server.Inference;
using Microsoft.AspNetCore.Http;

namespace Bert.Server.Endpoints;

/// <summary><c>GET /health</c>, <c>GET /info</c> and <c>POST /tokenize</c>.</summary>
internal static class InfoEndpoints
{
    /// <summary>200 once the model is loaded, 503 while loading, after a failed load, or while shutting down.</summary>
    public static IResult Health(ModelHost host)
    {
        host.Require();
        return Results.Json(new { status = "ok" }, ServerJson.Options);
    }

    /// <summary>The model and the server limits.</summary>
    public static IResult Info(ModelHost host)
    {
        var m = host.Require();
        var o = host.Options;
        var config = m.Model.Config;
        var caps = m.Capabilities;
        string type = caps.SequenceClassification ? "classifier" : caps.TokenClassification ? "token-classifier"
            : caps.QuestionAnswering ? "question-answering" : caps.FillMask ? "fill-mask" : "embedding";
        var labels = caps.SequenceClassification || caps.TokenClassification
            ? Enumerable.Range(0, m.Model.NumLabels).ToDictionary(i => i.ToString(CultureInfo.InvariantCulture), i => LabelName(config, i))
            : null;
        string version = typeof(InfoEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        return Results.Json(new InfoResponse(o.EffectiveModelId, type, config.Architectures, caps.Names, m.Embedding.Dimension,
            m.Embedding.Pooling.ToString().ToLowerInvariant(), m.Embedding.MaxLength, labels, o.Batching, o.MaxBatchTokens, o.MaxBatchRequests,
            o.MaxClientBatchSize, o.MaxQueuedInputs, o.MaxInputCharacters, version), ServerJson.Options);
    }

    /// <summary>TEI <c>/tokenize</c>: the tokens of each input with ids, strings and UTF-16 offsets (no model pass).</summary>
    public static async Task<IResult> Tokenize(HttpContext http, ModelHost host)
    {
        var m = host.Require();
        var request = await ServerJson.ReadAsync<TokenizeRequest>(http, host.Options.MaxRequestBodyBytes);
        var texts = TextInputs.Texts(request.Inputs, "inputs", host.Options);
        bool special = request.AddSpecialTokens ?? true;
        var result = texts.Select(t =>
        {
            var e = m.Tokenizer.Encode(t, null, addSpecialTokens: special, truncation: Bert.Tokenization.TruncationStrategy.None);
            return Enumerable.Range(0, e.Count).Select(i => e.SpecialTokensMask[i] == 1
                ? new TokenInfo(e.Ids[i], e.Tokens[i], true, null, null)
                : new TokenInfo(e.Ids[i], e.Tokens[i], false, e.Offsets[i].Start, e.Offsets[i].End)).ToArray();
        }).ToArray();
        return Results.Json(result, ServerJson.Options);
    }

    /// <summary>id2label's name, or HF's default <c>LABEL_i</c>.</summary>
    public static string LabelName(BertConfig config, int id) => config.Id2Label.TryGetValue(id, out var name) ? name : $"LABEL_{id}";

    /// <summary>True when <paramref name="e"/> is a JSON array.</summary>
    internal static bool IsArray(JsonElement e) => e.ValueKind == JsonValueKind.Array;
}
