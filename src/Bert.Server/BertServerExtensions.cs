using Bert.Server.Endpoints;
using Bert.Server.Http;
using Bert.Server.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Bert.Server;

/// <summary>Hosting the Bert server inside any ASP.NET Core application.</summary>
/// <example>
/// <code>
/// var builder = WebApplication.CreateBuilder(args);
/// builder.Services.AddBertServer(o => o.ModelPath = "models/my-bert");
/// var app = builder.Build();
/// app.MapBert();
/// app.Run();
/// </code>
/// </example>
public static class BertServerExtensions
{
    /// <summary>
    /// Registers the model host (loads the checkpoint when the host starts, drains the queue when it stops), the batch
    /// queue, the metrics (OpenTelemetry meter <c>Bert.Server</c> with the Prometheus exporter) and the OpenAPI document.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="BertServerOptions.ModelPath"/> or <see cref="BertServerOptions.ModelFactory"/> is required.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddBertServer(this IServiceCollection services, Action<BertServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<ModelHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelHost>());
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServerMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        services.AddOpenApi();
        return services;
    }

    /// <summary>
    /// Maps the endpoints: <c>POST /embed</c>, <c>/v1/embeddings</c>, <c>/predict</c>, <c>/rerank</c>, <c>/fill-mask</c>, <c>/ner</c>, <c>/qa</c>,
    /// <c>/tokenize</c>; <c>GET /health</c>, <c>/info</c>, <c>/metrics</c> (Prometheus), <c>/openapi/v1.json</c>, and the
    /// playground at <c>/</c> when <see cref="BertServerOptions.Playground"/> is on.
    /// </summary>
    /// <param name="endpoints">The application's route builder.</param>
    /// <returns><paramref name="endpoints"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is null.</exception>
    public static IEndpointRouteBuilder MapBert(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Post(endpoints, "/embed", EmbedEndpoints.Embed, "embed").Accepts<EmbedRequest>("application/json").Produces<float[][]>();
        Post(endpoints, "/v1/embeddings", EmbedEndpoints.OpenAI, "openai_embeddings", openAI: true)
            .Accepts<OpenAIEmbeddingRequest>("application/json").Produces<OpenAIEmbeddingResponse>();
        Post(endpoints, "/predict", TaskEndpoints.Predict, "predict").Accepts<PredictRequest>("application/json").Produces<Prediction[]>();
        Post(endpoints, "/rerank", TaskEndpoints.Rerank, "rerank").Accepts<RerankRequest>("application/json").Produces<Rank[]>();
        Post(endpoints, "/fill-mask", FillMaskEndpoint.FillMask, "fill_mask").Accepts<FillMaskRequest>("application/json").Produces<MaskCandidate[][][]>();
        Post(endpoints, "/ner", SpanEndpoints.Ner, "ner").Accepts<NerRequest>("application/json").Produces<NerEntity[][]>();
        Post(endpoints, "/qa", SpanEndpoints.Qa, "qa").Accepts<QaRequest>("application/json").Produces<QaAnswer[]>();
        Post(endpoints, "/tokenize", InfoEndpoints.Tokenize, "tokenize").Accepts<TokenizeRequest>("application/json").Produces<TokenInfo[][]>();
        Errors(endpoints.MapGet("/health", InfoEndpoints.Health).AddEndpointFilter(new ApiFilter("health", false)).WithName("health"));
        Errors(endpoints.MapGet("/info", InfoEndpoints.Info).AddEndpointFilter(new ApiFilter("info", false)).WithName("info").Produces<InfoResponse>());
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapOpenApi();
        var options = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<BertServerOptions>>().Value;
        if (options.Playground)
            endpoints.MapGet("/", () => Results.Content(PlaygroundPage.Html, "text/html; charset=utf-8")).ExcludeFromDescription();
        return endpoints;
    }

    private static RouteHandlerBuilder Post(IEndpointRouteBuilder endpoints, string pattern, Func<HttpContext, ModelHost, Task<IResult>> handler,
        string name, bool openAI = false) =>
        Errors(endpoints.MapPost(pattern, handler).AddEndpointFilter(new ApiFilter(name, openAI)).WithName(name).DisableAntiforgery());

    private static RouteHandlerBuilder Errors(RouteHandlerBuilder route) => route
        .Produces<ErrorResponse>(StatusCodes.Status400BadRequest).Produces<ErrorResponse>(StatusCodes.Status413PayloadTooLarge)
        .Produces<ErrorResponse>(StatusCodes.Status422UnprocessableEntity).Produces<ErrorResponse>(StatusCodes.Status429TooManyRequests)
        .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable);
}
