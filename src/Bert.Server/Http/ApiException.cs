using System.Text.Json.Serialization;

namespace Bert.Server.Http;

/// <summary>A request that cannot be served, with its HTTP status and TEI error type.</summary>
internal sealed class ApiException(int status, string errorType, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string ErrorType { get; } = errorType;

    /// <summary>400: the request is malformed; the message names the field.</summary>
    public static ApiException BadRequest(string message) => new(400, "validation", message);

    /// <summary>413: too many inputs, too many characters, or too large a body.</summary>
    public static ApiException TooLarge(string message) => new(413, "validation", message);

    /// <summary>422: an input has more tokens than the model takes and truncation is off.</summary>
    public static ApiException TooManyTokens(string message) => new(422, "tokenizer", message);

    /// <summary>404-like refusal for a task the model has no head for (TEI answers 400 there).</summary>
    public static ApiException Unsupported(string message) => new(400, "validation", message);
}

/// <summary>TEI's error body: <c>{"error": "...", "error_type": "validation"}</c>.</summary>
internal sealed record ErrorResponse(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_type")] string ErrorType);

/// <summary>OpenAI's error body: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal sealed record OpenAIErrorResponse([property: JsonPropertyName("error")] OpenAIError Error);

/// <summary>The inner object of <see cref="OpenAIErrorResponse"/>.</summary>
internal sealed record OpenAIError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] int Code);
