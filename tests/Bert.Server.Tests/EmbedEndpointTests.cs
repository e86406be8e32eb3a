using System.Net;

namespace Bert.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class EmbedEndpointTests(Checkpoints checkpoints)
{
    // The server runs the packed forward path and pools in Bert.Server; the reference is BertModel.Encode (padded
    // Forward + the core's masked mean). Both are float32 sums of the same values in a different order: 1e-5 absolute
    // on unit vectors of 64 values is ~100 ulps of headroom and far below any real error (a wrong token moves values by ~1e-2).
    private const double Tolerance = 1e-5;

    [Fact]
    public async Task Embed_OneText_IsTheNormalizedMeanPooledVector()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder);
        using var model = BertModel.Load(checkpoints.Encoder);
        var response = await host.PostJsonAsync("/embed", new { inputs = "the quick brown fox" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await TestServerHost.JsonAsync(response);
        Assert.Equal(1, json.GetArrayLength());
        var expected = Reference.Normalized(model.Encode("the quick brown fox"));
        Assert.True(Reference.MaxAbsDiff(expected, Reference.Floats(json[0])) <= Tolerance);
    }

    [Fact]
    public async Task Embed_Batch_WithoutNormalize_EqualsEncodeOfEachText()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder);
        using var model = BertModel.Load(checkpoints.Encoder);
        var texts = Reference.Sentences(5, seed: 1);
        var json = await TestServerHost.JsonAsync(await host.PostJsonAsync("/embed", new { inputs = texts, normalize = false }));
        Assert.Equal(texts.Length, json.GetArrayLength());
        for (int i = 0; i < texts.Length; i++)
            Assert.True(Reference.MaxAbsDiff(model.Encode(texts[i]), Reference.Floats(json[i])) <= Tolerance, $"input {i}");
    }

    [Fact]
    public async Task Embed_TooLong_Is422_UnlessTruncated()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder);
        using var model = BertModel.Load(checkpoints.Encoder);
        string text = string.Join(' ', Enumerable.Repeat("river bank", 100)); // 200 words > 128 positions
        var refused = await host.PostJsonAsync("/embed", new { inputs = new[] { "ok", text } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var error = await TestServerHost.JsonAsync(refused);
        Assert.Contains("inputs[1]", error.GetProperty("error").GetString());
        Assert.Equal("tokenizer", error.GetProperty("error_type").GetString());

        // Right truncation is the core's default (longest_first to MaxTextTokens).
        var cut = await TestServerHost.JsonAsync(await host.PostJsonAsync("/embed", new { inputs = text, truncate = true, normalize = false }));
        Assert.True(Reference.MaxAbsDiff(model.Encode(text), Reference.Floats(cut[0])) <= Tolerance);
    }

    [Fact]
    public async Task Embed_LeftTruncation_KeepsClsTheLastTokensAndSep()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder);
        using var model = BertModel.Load(checkpoints.Encoder);
        string text = string.Join(' ', Enumerable.Range(0, 150).Select(i => i % 3 == 0 ? "rain" : "city"));
        var full = model.Tokenizer!.Encode(text, truncation: Bert.Tokenization.TruncationStrategy.None);
        int max = model.MaxTextTokens;
        int[] ids = [full.Ids[0], .. full.Ids[^(max - 1)..]];   // [CLS] + last max−2 text tokens + [SEP]
        var hidden = new float[ids.Length * model.Config.HiddenSize];
        model.Forward(new BertInput(ids, new int[ids.Length], Enumerable.Repeat(1, ids.Length).ToArray(), 1, ids.Length), new BertOutputs { LastHiddenState = hidden });
        var mean = new float[model.Config.HiddenSize];
        for (int t = 0; t < ids.Length; t++)
            for (int j = 0; j < mean.Length; j++) mean[j] += hidden[t * mean.Length + j] / ids.Length;

        var json = await TestServerHost.JsonAsync(await host.PostJsonAsync("/embed",
            new { inputs = text, truncate = true, truncation_direction = "left", normalize = false }));
        Assert.True(Reference.MaxAbsDiff(mean, Reference.Floats(json[0])) <= Tolerance);
    }
}

/// <summary>A sentence-transformers folder (modules.json + 1_Pooling) decides the server's pooling, as it decides BertModel.Encode's.</summary>
[Collection(ServerCollection.Name)]
public sealed class SentenceTransformersFolderTests(Checkpoints checkpoints)
{
    [Fact]
    public async Task FolderPooling_IsTheServersPooling()
    {
        string folder = Path.Combine(Path.GetTempPath(), "bert-server-st-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(checkpoints.Encoder)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        Directory.CreateDirectory(Path.Combine(folder, "1_Pooling"));
        File.WriteAllText(Path.Combine(folder, "modules.json"), """
            [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
             {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
            """);
        File.WriteAllText(Path.Combine(folder, "1_Pooling", "config.json"), """
            {"word_embedding_dimension": 64, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}
            """);
        try
        {
            await using var host = await TestServerHost.StartAsync(folder);
            using var model = BertModel.Load(folder);
            var info = await TestServerHost.JsonAsync(await host.Client.GetAsync("/info"));
            Assert.Equal("cls", info.GetProperty("pooling").GetString());
            var json = await TestServerHost.JsonAsync(await host.PostJsonAsync("/embed", new { inputs = "cold rain in the city", normalize = false }));
            Assert.True(Reference.MaxAbsDiff(model.Encode("cold rain in the city"), Reference.Floats(json[0])) <= 1e-5); // packed vs padded path
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
