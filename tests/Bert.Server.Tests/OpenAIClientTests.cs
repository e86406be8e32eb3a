using System.ClientModel;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Embeddings;

namespace Bert.Server.Tests;

/// <summary>The official OpenAI .NET client and Microsoft.Extensions.AI's adapter, unchanged, against Kestrel on 127.0.0.1.</summary>
[Collection(ServerCollection.Name)]
public sealed class OpenAIClientTests(Checkpoints checkpoints)
{
    [Fact]
    public async Task OpenAIClient_AndMeaiAdapter_GetTheServersEmbeddings()
    {
        await using var app = BertServer.Build(new BertServerOptions { ModelPath = checkpoints.Encoder, Port = 0, ModelId = "tiny" });
        await app.StartAsync();
        await app.Services.GetRequiredService<Bert.Server.Inference.ModelHost>().WhenLoaded;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Assert.StartsWith("http://127.0.0.1:", address);

        using var model = BertModel.Load(checkpoints.Encoder);
        var client = new EmbeddingClient("tiny", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(address + "/v1") });
        string[] texts = ["the quick brown fox", "cold rain in the city"];

        // The client asks for base64 by default: this checks the byte order and the encoding end to end.
        var result = await client.GenerateEmbeddingsAsync(texts);
        Assert.Equal(2, result.Value.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            var expected = Reference.Normalized(model.Encode(texts[i]));
            Assert.True(Reference.MaxAbsDiff(expected, result.Value[i].ToFloats().ToArray()) <= 1e-5); // packed vs padded path
        }
        int tokens = texts.Sum(t => model.Tokenizer!.Encode(t).Length);
        Assert.Equal(tokens, result.Value.Usage.InputTokenCount);

        var cut = await client.GenerateEmbeddingAsync("piano music", new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = 16 });
        var first16 = Reference.Normalized(model.Encode("piano music")[..16]);
        Assert.True(Reference.MaxAbsDiff(first16, cut.Value.ToFloats().ToArray()) <= 1e-5);

        IEmbeddingGenerator<string, Embedding<float>> generator = client.AsIEmbeddingGenerator();
        var embeddings = await generator.GenerateAsync(texts);
        Assert.Equal(2, embeddings.Count);
        Assert.True(Reference.MaxAbsDiff(Reference.Normalized(model.Encode(texts[1])), embeddings[1].Vector.ToArray()) <= 1e-5);

        await app.StopAsync();
    }

    [Fact]
    public async Task FloatFormat_AndTokenArrays()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder);
        using var model = BertModel.Load(checkpoints.Encoder);
        var ids = model.Tokenizer!.Encode("sunny today").Ids;
        var json = await TestServerHost.JsonAsync(await host.PostJsonAsync("/v1/embeddings", new { input = new[] { ids }, encoding_format = "float" }));
        Assert.Equal("list", json.GetProperty("object").GetString());
        Assert.Equal(ids.Length, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        var v = Reference.Floats(json.GetProperty("data")[0].GetProperty("embedding"));
        Assert.True(Reference.MaxAbsDiff(Reference.Normalized(model.Encode("sunny today")), v) <= 1e-5);
    }
}

/// <summary>Kestrel's own body limit (set from MaxRequestBodyBytes by BertServer.Build) also answers 413 JSON, for bodies of unknown length.</summary>
[Collection(ServerCollection.Name)]
public sealed class KestrelLimitTests(Checkpoints checkpoints)
{
    [Fact]
    public async Task ChunkedBodyOverTheLimit_Is413Json()
    {
        await using var app = BertServer.Build(new BertServerOptions { ModelPath = checkpoints.Encoder, Port = 0, MaxRequestBodyBytes = 64 * 1024 });
        await app.StartAsync();
        await app.Services.GetRequiredService<Bert.Server.Inference.ModelHost>().WhenLoaded;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var body = System.Text.Encoding.UTF8.GetBytes("{\"inputs\": \"" + new string('x', 1_000_000) + "\"}");
        using var content = new StreamContent(new MemoryStream(body));   // no Content-Length: sent chunked
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var response = await client.PostAsync("/embed", content);
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("\"error_type\":\"validation\"", await response.Content.ReadAsStringAsync());
        await app.StopAsync();
    }
}
