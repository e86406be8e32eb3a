using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;

namespace Bert.Server.Tests;

/// <summary>Every refusal is JSON with its status and names the field; nothing a client sends gives 500.</summary>
[Collection(ServerCollection.Name)]
public sealed class ErrorTests(Checkpoints checkpoints)
{
    private static async Task<JsonElement> AssertError(HttpResponseMessage response, HttpStatusCode status, string errorType, string? mentions = null)
    {
        Assert.Equal(status, response.StatusCode);
        var json = await TestServerHost.JsonAsync(response);
        Assert.Equal(errorType, json.GetProperty("error_type").GetString());
        if (mentions is not null) Assert.Contains(mentions, json.GetProperty("error").GetString());
        return json;
    }

    [Theory]
    [InlineData("{\"inputs\": ", "not valid JSON")]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("", "empty")]
    [InlineData("null", "null")]
    [InlineData("{}", "'inputs' is required")]
    [InlineData("{\"inputs\": 42}", "'inputs' must be a string")]
    [InlineData("{\"inputs\": []}", "'inputs' is an empty array")]
    [InlineData("{\"inputs\": [\"a\", 7]}", "'inputs[1]' must be a string")]
    [InlineData("{\"inputs\": \"a\", \"normalize\": \"yes\"}", "'normalize'")]
    [InlineData("{\"inputs\": \"a\", \"truncate\": 1}", "'truncate'")]
    [InlineData("{\"inputs\": \"a\", \"truncation_direction\": \"up\"}", "'truncation_direction'")]
    [InlineData("[1, 2, 3]", "not valid JSON")]
    public async Task Embed_BadInput_Is400NamingTheField(string body, string mentions)
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder);
        await AssertError(await host.PostRawAsync("/embed", body), HttpStatusCode.BadRequest, "validation", mentions);
    }

    [Fact]
    public async Task Limits_Are413()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder, o =>
        {
            o.MaxClientBatchSize = 3;
            o.MaxInputCharacters = 50;
            o.MaxRequestBodyBytes = 1000;
        });
        await AssertError(await host.PostJsonAsync("/embed", new { inputs = new[] { "a", "b", "c", "d" } }), HttpStatusCode.RequestEntityTooLarge, "validation", "'inputs' has 4 inputs");
        await AssertError(await host.PostJsonAsync("/embed", new { inputs = new[] { "a", new string('x', 51) } }), HttpStatusCode.RequestEntityTooLarge, "validation", "'inputs[1]' has 51 characters");
        await AssertError(await host.PostJsonAsync("/embed", new { inputs = new string('x', 5000) }), HttpStatusCode.RequestEntityTooLarge, "validation", "limit of 1000");
    }

    [Fact]
    public async Task FullQueue_Is429()
    {
        // A queue of 1 input cannot take a request of 2: refused whole, at once, whatever the batcher is doing.
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder, o => o.MaxQueuedInputs = 1);
        await AssertError(await host.PostJsonAsync("/embed", new { inputs = new[] { "a", "b" } }), HttpStatusCode.TooManyRequests, "overloaded");
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("/embed", new { inputs = "a" })).StatusCode);
    }

    [Fact]
    public async Task BeforeTheModelIsLoaded_Is503()
    {
        using var gate = new ManualResetEventSlim();
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder, o => o.ModelFactory = () =>
        {
            gate.Wait(TimeSpan.FromSeconds(30));
            return BertModel.Load(checkpoints.Encoder);
        }, waitForModel: false);
        await AssertError(await host.Client.GetAsync("/health"), HttpStatusCode.ServiceUnavailable, "unhealthy");
        await AssertError(await host.PostJsonAsync("/embed", new { inputs = "a" }), HttpStatusCode.ServiceUnavailable, "unhealthy");
        gate.Set();
        await host.App.Services.GetRequiredService<Bert.Server.Inference.ModelHost>().WhenLoaded;
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task TaskWithoutItsHead_Is400()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder);
        await AssertError(await host.PostJsonAsync("/predict", new { inputs = "a" }), HttpStatusCode.BadRequest, "validation", "sequence-classification");
        await AssertError(await host.PostJsonAsync("/rerank", new { query = "a", texts = new[] { "b" } }), HttpStatusCode.BadRequest, "validation", "cross-encoder");
        await AssertError(await host.PostJsonAsync("/fill-mask", new { inputs = "a [MASK]" }), HttpStatusCode.BadRequest, "validation", "masked-LM");
    }

    [Fact]
    public async Task OpenAIErrors_UseOpenAIShape()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder);
        var response = await host.PostJsonAsync("/v1/embeddings", new { input = "a", encoding_format = "int8" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await TestServerHost.JsonAsync(response)).GetProperty("error");
        Assert.Contains("encoding_format", error.GetProperty("message").GetString());
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        foreach (var body in new object[] { new { input = new[] { new[] { 1, 999999 } } }, new { input = "a", dimensions = 0 }, new { input = new object[] { "a", 1 } } })
            Assert.Equal(HttpStatusCode.BadRequest, (await host.PostJsonAsync("/v1/embeddings", body)).StatusCode);
    }
}
