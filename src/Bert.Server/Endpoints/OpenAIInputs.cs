using System.Text.Json;
using Bert.Server.Http;
using Bert.Server.Inference;

namespace Bert.Server.Endpoints;

/// <summary>OpenAI's <c>input</c>: a string, an array of strings, an array of token ids, or an array of token-id arrays.</summary>
internal static class OpenAIInputs
{
    /// <summary>Tokenizes texts (422 when too long) or validates token ids (taken as the full sequence, no special tokens added).</summary>
    /// <exception cref="ApiException">400 naming the element when the shape or an id is wrong; 413/422 as for texts.</exception>
    public static EncodedInput[] Parse(JsonElement input, ModelHost.Loaded model, BertServerOptions options)
    {
        int max = model.Embedding.MaxLength;
        if (input.ValueKind == JsonValueKind.Array && input.GetArrayLength() > 0 && input[0].ValueKind is JsonValueKind.Number or JsonValueKind.Array)
        {
            bool nested = input[0].ValueKind == JsonValueKind.Array;
            var arrays = nested ? input.EnumerateArray().ToArray() : [input];
            TextInputs.CheckCount(arrays.Length, "input", options);
            return [.. arrays.Select((a, i) => Tokens(a, nested ? $"input[{i}]" : "input", model, max))];
        }
        var texts = TextInputs.Texts(input, "input", options);
        bool array = input.ValueKind == JsonValueKind.Array;
        return [.. texts.Select((t, i) => Embedder.Encode(model, t, truncate: false, left: false, Embedder.Field("input", i, array)))];
    }

    private static EncodedInput Tokens(JsonElement array, string field, ModelHost.Loaded model, int max)
    {
        if (array.ValueKind != JsonValueKind.Array)
            throw ApiException.BadRequest($"Field '{field}' must be an array of token ids, got {TextInputs.KindOf(array)}.");
        int n = array.GetArrayLength(), vocab = model.Model.Config.VocabSize;
        if (n == 0) throw ApiException.BadRequest($"Field '{field}' is an empty array of token ids.");
        if (n > max) throw ApiException.TooManyTokens($"Field '{field}' has {n} tokens, more than the model's maximum of {max}.");
        var ids = new int[n];
        int j = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int id) || id < 0 || id >= vocab)
                throw ApiException.BadRequest($"Field '{field}[{j}]' must be a token id in [0, {vocab}), got {e.GetRawText()}.");
            ids[j++] = id;
        }
        return new EncodedInput(ids, new int[n], null);
    }
}
