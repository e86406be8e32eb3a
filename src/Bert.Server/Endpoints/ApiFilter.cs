using System.Diagnostics;
using Bert.Server.Http;
using Bert.Server.Inference;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bert.Server.Endpoints;

/// <summary>
/// Wraps every endpoint: turns failures into JSON errors with their status (TEI's body, or OpenAI's for <c>/v1</c>),
/// and records the request count and latency per endpoint and status. Nothing a client sends gives a 500.
/// </summary>
internal sealed class ApiFilter(string endpoint, bool openAI) : IEndpointFilter
{
    /// <summary>Status written when the client went away before the answer (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var clock = Stopwatch.StartNew();
        object? result;
        int status;
        try
        {
            result = await next(context).ConfigureAwait(false);
            status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        }
        catch (Exception e) when (e is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            status = ClientClosedRequest;
            result = Results.StatusCode(status);
        }
        catch (Exception e)
        {
            var (code, type, message) = Classify(e, http);
            status = code;
            result = Error(code, type, message);
        }
        http.RequestServices.GetRequiredService<ServerMetrics>().RecordRequest(endpoint, status, clock.Elapsed);
        return result;
    }

    private static (int Status, string Type, string Message) Classify(Exception e, HttpContext http) => e switch
    {
        ApiException api => (api.Status, api.ErrorType, api.Message),
        QueueFullException => (StatusCodes.Status429TooManyRequests, "overloaded", e.Message),
        NotReadyException => (StatusCodes.Status503ServiceUnavailable, "unhealthy", e.Message),
        BadHttpRequestException bad => (bad.StatusCode, "validation", bad.Message),
        ArgumentException arg => (StatusCodes.Status400BadRequest, "validation", arg.Message),
        _ => Unexpected(e, http),
    };

    private static (int, string, string) Unexpected(Exception e, HttpContext http)
    {
        http.RequestServices.GetRequiredService<ILogger<ApiFilter>>().LogError(e, "Inference failed.");
        return (StatusCodes.Status500InternalServerError, "backend", $"Inference failed: {e.Message}");
    }

    private IResult Error(int status, string type, string message) => openAI
        ? Results.Json(new OpenAIErrorResponse(new OpenAIError(message, type, null, status)), ServerJson.Options, statusCode: status)
        : Results.Json(new ErrorResponse(message, type), ServerJson.Options, statusCode: status);
}
