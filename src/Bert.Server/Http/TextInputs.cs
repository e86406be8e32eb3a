using System.Text.Json;
using Bert.Tokenization;

namespace Bert.Server.Http;

/// <summary>One tokenized input: what goes to the model (ids, type ids) and the encoding it came from (tokens, offsets; null for raw token ids).</summary>
internal sealed record EncodedInput(int[] Ids, int[] TypeIds, BertEncoding? Encoding);

/// <summary>Validation of text fields (count, characters) and tokenization with TEI's truncation rules.</summary>
internal static class TextInputs
{
    /// <summary>A string or a non-empty array of strings, within the request limits.</summary>
    /// <exception cref="ApiException">400 when missing or of the wrong type (named); 413 when too many or too long.</exception>
    public static string[] Texts(JsonElement value, string field, BertServerOptions options)
    {
        string[] texts = value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => [.. value.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String
                ? e.GetString()!
                : throw ApiException.BadRequest($"Field '{field}[{i}]' must be a string, got {Kind(e)}."))],
            JsonValueKind.Undefined or JsonValueKind.Null => throw ApiException.BadRequest($"Field '{field}' is required."),
            _ => throw ApiException.BadRequest($"Field '{field}' must be a string or an array of strings, got {Kind(value)}."),
        };
        if (texts.Length == 0) throw ApiException.BadRequest($"Field '{field}' is an empty array: give at least one input.");
        CheckCount(texts.Length, field, options);
        for (int i = 0; i < texts.Length; i++) CheckCharacters(texts[i], value.ValueKind == JsonValueKind.Array ? $"{field}[{i}]" : field, options);
        return texts;
    }

    /// <summary>413 when a request carries more inputs than <see cref="BertServerOptions.MaxClientBatchSize"/>.</summary>
    public static void CheckCount(int count, string field, BertServerOptions options)
    {
        if (count > options.MaxClientBatchSize)
            throw ApiException.TooLarge($"Field '{field}' has {count} inputs, more than the limit of {options.MaxClientBatchSize} per request.");
    }

    /// <summary>413 when a text is longer than <see cref="BertServerOptions.MaxInputCharacters"/>.</summary>
    public static void CheckCharacters(string text, string field, BertServerOptions options)
    {
        if (text.Length > options.MaxInputCharacters)
            throw ApiException.TooLarge($"Field '{field}' has {text.Length} characters, more than the limit of {options.MaxInputCharacters}.");
    }

    /// <summary>"left" or "right" (default), as TEI's <c>truncation_direction</c>.</summary>
    public static bool TruncatesLeft(string? direction, string field) => direction?.ToLowerInvariant() switch
    {
        null or "right" => false,
        "left" => true,
        _ => throw ApiException.BadRequest($"Field '{field}' must be \"left\" or \"right\", got \"{direction}\"."),
    };

    /// <summary>
    /// Tokenizes <c>[CLS] text [SEP]</c> (or the pair). An input longer than <paramref name="maxLength"/> tokens is cut
    /// when <paramref name="truncate"/> is set (from the right, HF "longest_first"; or for single texts from the left,
    /// keeping [CLS] and [SEP]), else refused with 422.
    /// </summary>
    public static EncodedInput Encode(BertTokenizer tokenizer, string text, string? pair, bool truncate, bool left, int maxLength, string field)
    {
        var full = tokenizer.Encode(text, pair, truncation: TruncationStrategy.None);
        if (full.Length <= maxLength) return new EncodedInput(full.Ids, full.TypeIds, full);
        if (!truncate)
            throw ApiException.TooManyTokens($"Field '{field}' has {full.Length} tokens, more than the model's maximum of {maxLength}; shorten it or set truncate to true.");
        if (!left || pair is not null)
        {
            var cut = tokenizer.Encode(text, pair, truncation: TruncationStrategy.LongestFirst, maxLength: maxLength);
            return new EncodedInput(cut.Ids, cut.TypeIds, cut);
        }
        // Left truncation: [CLS] + the last maxLength − 2 text tokens + [SEP].
        int keep = maxLength - 2, from = full.Length - 1 - keep;
        int[] ids = [full.Ids[0], .. full.Ids.AsSpan(from, keep), full.Ids[^1]];
        return new EncodedInput(ids, new int[ids.Length], full);
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        _ => e.ValueKind.ToString().ToLowerInvariant(),
    };

    /// <summary>The JSON kind of <paramref name="e"/> in words, for error messages.</summary>
    public static string KindOf(JsonElement e) => Kind(e);
}
