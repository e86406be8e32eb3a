using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Bert.Server.Http;

/// <summary>Reading request bodies with limits and field-naming errors, and writing JSON responses.</summary>
internal static class ServerJson
{
    /// <summary>Strict on input (numbers are numbers); NaN/∞ written as strings rather than failing the response.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonSerializerOptions ReadOptions = new(JsonSerializerDefaults.General)
    {
        NumberHandling = JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
        MaxDepth = 16,
    };

    /// <summary>Reads the body (at most <paramref name="limit"/> bytes) as <typeparamref name="T"/>.</summary>
    /// <exception cref="ApiException">413 when the body is too large; 400 when empty, not JSON, or a field has the wrong type (named).</exception>
    public static async Task<T> ReadAsync<T>(HttpContext http, long limit) where T : class
    {
        var bytes = await ReadBodyAsync(http, limit).ConfigureAwait(false);
        if (bytes.Length == 0) throw ApiException.BadRequest("The request body is empty: send a JSON object.");
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, ReadOptions)
                ?? throw ApiException.BadRequest("The request body is null: send a JSON object.");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest(Describe(e));
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext http, long limit)
    {
        if (http.Request.ContentLength > limit)
            throw ApiException.TooLarge($"The request body has {http.Request.ContentLength} bytes, more than the limit of {limit}.");
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit) throw ApiException.TooLarge($"The request body is larger than the limit of {limit} bytes.");
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw ApiException.TooLarge($"The request body is larger than the server's limit: {e.Message}");
        }
        return buffer.ToArray();
    }

    /// <summary>"Field 'x.y' ...: expected a boolean" from System.Text.Json's message and path.</summary>
    private static string Describe(JsonException e)
    {
        string path = e.Path is null or "$" ? "" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path.TrimStart('$');
        string message = e.Message;
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        const string conversion = "The JSON value could not be converted to ";
        if (message.StartsWith(conversion, StringComparison.Ordinal))
            message = "expected " + Expected(message[conversion.Length..].TrimEnd('.'));
        bool syntax = e.InnerException?.GetType().Name == "JsonReaderException";
        return syntax || path.Length == 0
            ? $"The request body is not valid JSON{(path.Length == 0 ? "" : $" (near '{path}')")}: {message}"
            : $"Field '{path}' is invalid: {message}";
    }

    private static string Expected(string type) =>
        type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
        : type.Contains("Int32", StringComparison.Ordinal) ? "an integer"
        : type.Contains("Single", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) ? "a number"
        : type.Contains("String[]", StringComparison.Ordinal) || type.Contains("List", StringComparison.Ordinal) ? "an array"
        : type.Contains("String", StringComparison.Ordinal) ? "a string"
        : "a JSON object";
}
