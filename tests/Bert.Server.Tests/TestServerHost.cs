using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bert.Server.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bert.Server.Tests;

/// <summary>
/// The server in memory: the ASP.NET Core TestServer (what WebApplicationFactory runs on) hosting
/// <c>AddBertServer</c> + <c>MapBert</c> exactly as a user's own application would.
/// </summary>
internal sealed class TestServerHost : IAsyncDisposable
{
    private TestServerHost(WebApplication app)
    {
        App = app;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<TestServerHost> StartAsync(string modelPath, Action<BertServerOptions>? configure = null, bool waitForModel = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddBertServer(o =>
        {
            o.ModelPath = modelPath;
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.MapBert();
        await app.StartAsync();
        if (waitForModel) await app.Services.GetRequiredService<ModelHost>().WhenLoaded;
        return new TestServerHost(app);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body) => Client.PostAsJsonAsync(path, body);

    public Task<HttpResponseMessage> PostRawAsync(string path, string body) =>
        Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
