using System.Runtime.InteropServices;
using System.Text.Json;
using Bert.Server.Http;
using Bert.Server.Inference;
using Microsoft.AspNetCore.Http;

namespace Bert.Server.Endpoints;

/// <summary>TEI's <c>POST /embed</c> and OpenAI's <c>POST /v1/embeddings</c>.</summary>
internal static class EmbedEndpoints
{
    /// <summary>
    /// TEI <c>/embed</c>: one vector per input, pooled as configured, L2-normalized unless <c>normalize</c> is false.
    /// Inputs longer than the model's maximum give 422 unless <c>truncate</c> is true.
    /// </summary>
    public static async Task<IResult> Embed(HttpContext http, ModelHost host)
    {
        var model = host.Require();
        var options = host.Options;
        var request = await ServerJson.ReadAsync<EmbedRequest>(http, options.MaxRequestBodyBytes);
        var texts = TextInputs.Texts(request.Inputs, "inputs", options);
        bool left = TextInputs.TruncatesLeft(request.TruncationDirection, "truncation_direction");
        bool array = request.Inputs.ValueKind == JsonValueKind.Array;
        var inputs = texts.Select((t, i) => Embedder.Encode(model, t, request.Truncate ?? false, left, Embedder.Field("inputs", i, array))).ToArray();
        var vectors = await Embedder.EmbedAsync(model, inputs, http.RequestAborted);
        if (request.Normalize ?? true)
            foreach (var v in vectors) EmbeddingMath.Normalize(v);
        return Results.Json(vectors, ServerJson.Options);
    }

    /// <summary>
    /// OpenAI <c>/v1/embeddings</c>: L2-normalized vectors (cut to <c>dimensions</c> first, then normalized), as float
    /// arrays or base64 of little-endian float32 (what the official clients ask for by default), with token usage.
    /// </summary>
    public static async Task<IResult> OpenAI(HttpContext http, ModelHost host)
    {
        var model = host.Require();
        var options = host.Options;
        var request = await ServerJson.ReadAsync<OpenAIEmbeddingRequest>(http, options.MaxRequestBodyBytes);
        bool base64 = request.EncodingFormat?.ToLowerInvariant() switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw ApiException.BadRequest($"Field 'encoding_format' must be \"float\" or \"base64\", got \"{request.EncodingFormat}\"."),
        };
        int h = model.Embedding.Dimension;
        if (request.Dimensions is { } d && (d < 1 || d > h))
            throw ApiException.BadRequest($"Field 'dimensions' must be in [1, {h}], got {d}.");
        var inputs = OpenAIInputs.Parse(request.Input, model, options);
        var vectors = await Embedder.EmbedAsync(model, inputs, http.RequestAborted);
        var data = new OpenAIEmbedding[vectors.Length];
        for (int i = 0; i < vectors.Length; i++)
        {
            var v = request.Dimensions is { } dims ? vectors[i][..dims] : vectors[i];
            EmbeddingMath.Normalize(v);
            data[i] = new OpenAIEmbedding("embedding", base64 ? ToBase64(v) : v, i);
        }
        int tokens = inputs.Sum(i => i.Ids.Length);
        return Results.Json(new OpenAIEmbeddingResponse("list", data, request.Model ?? options.EffectiveModelId, new OpenAIUsage(tokens, tokens)), ServerJson.Options);
    }

    /// <summary>Base64 of the float32 values in little-endian byte order.</summary>
    internal static string ToBase64(float[] v)
    {
        if (!BitConverter.IsLittleEndian)
        {
            var bytes = new byte[v.Length * 4];
            for (int i = 0; i < v.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), BitConverter.SingleToInt32Bits(v[i]));
            return Convert.ToBase64String(bytes);
        }
        return Convert.ToBase64String(MemoryMarshal.AsBytes(v.AsSpan()));
    }
}
