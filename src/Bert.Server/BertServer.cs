using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bert.Server;

/// <summary>The stand-alone server behind <c>bert serve</c>: Kestrel with the Bert endpoints and nothing else.</summary>
public static class BertServer
{
    /// <summary>
    /// Builds the application: Kestrel on <see cref="BertServerOptions.Host"/>:<see cref="BertServerOptions.Port"/>
    /// with its request-body limit at <see cref="BertServerOptions.MaxRequestBodyBytes"/>, the services of
    /// <see cref="BertServerExtensions.AddBertServer"/> and the endpoints of <see cref="BertServerExtensions.MapBert"/>.
    /// </summary>
    /// <param name="options">The settings (validated here).</param>
    /// <returns>The application, not started.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="BertServerOptions.Validate"/>).</exception>
    public static WebApplication Build(BertServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(BertServer).Assembly.GetName().Name });
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.WebHost.UseUrls($"http://{(options.Host.Contains(':') ? $"[{options.Host}]" : options.Host)}:{options.Port}");
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));
        // Per-request logs of ASP.NET Core at Information would dominate a busy server's output; /metrics counts requests.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddBertServer(o => Copy(options, o));
        var app = builder.Build();
        app.MapBert();
        return app;
    }

    /// <summary>
    /// Runs the server until <paramref name="cancellationToken"/> fires or the process is asked to stop (Ctrl+C, SIGTERM);
    /// then stops taking connections, answers the requests in flight (the queue drains), and returns.
    /// </summary>
    /// <param name="options">The settings: at least <see cref="BertServerOptions.ModelPath"/>.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="IOException">The address is in use.</exception>
    public static async Task RunAsync(BertServerOptions options, CancellationToken cancellationToken = default)
    {
        await using var app = Build(options);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Copy(BertServerOptions from, BertServerOptions to)
    {
        to.ModelPath = from.ModelPath;
        to.ModelFactory = from.ModelFactory;
        to.ModelId = from.ModelId;
        to.Host = from.Host;
        to.Port = from.Port;
        to.Pooling = from.Pooling;
        to.Batching = from.Batching;
        to.MaxBatchTokens = from.MaxBatchTokens;
        to.MaxBatchRequests = from.MaxBatchRequests;
        to.MaxBatchWait = from.MaxBatchWait;
        to.MaxQueuedInputs = from.MaxQueuedInputs;
        to.MaxClientBatchSize = from.MaxClientBatchSize;
        to.MaxInputCharacters = from.MaxInputCharacters;
        to.MaxRequestBodyBytes = from.MaxRequestBodyBytes;
        to.Playground = from.Playground;
    }
}
