namespace Bert.Hub;

/// <summary>Resolving or downloading a model from the Hugging Face hub failed; <see cref="Kind"/> says why and the
/// message says what to do.</summary>
public sealed class HubException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The category of failure.</param>
    /// <param name="message">One sentence for a person: what failed and what to do.</param>
    /// <param name="statusCode">The HTTP status, when the hub answered.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public HubException(HubErrorKind kind, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    /// <summary>The category of failure.</summary>
    public HubErrorKind Kind { get; }

    /// <summary>The HTTP status code of the failing response, or null when there was none.</summary>
    public int? StatusCode { get; }
}
