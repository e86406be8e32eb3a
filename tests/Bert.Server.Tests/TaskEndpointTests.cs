using System.Net;

namespace Bert.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class TaskEndpointTests(Checkpoints checkpoints)
{
    // Server: packed forward + TensorPrimitives softmax; reference: the core's padded forward + its own softmax.
    private const float Tolerance = 1e-5f;

    [Fact]
    public async Task Predict_Single_Pair_AndBatch_MatchClassify()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Classifier);
        using var model = BertModel.Load(checkpoints.Classifier);

        var single = await TestServerHost.JsonAsync(await host.PostJsonAsync("/predict", new { inputs = "great music today" }));
        AssertPredictions(model.Classify("great music today"), single);

        var pair = await TestServerHost.JsonAsync(await host.PostJsonAsync("/predict", new { inputs = new[] { "the river", "the bank" } }));
        AssertPredictions(model.Classify("the river", "the bank"), pair);

        var batch = await TestServerHost.JsonAsync(await host.PostJsonAsync("/predict", new { inputs = new object[] { "cold rain", new[] { "a", "b" }, "city night" } }));
        Assert.Equal(3, batch.GetArrayLength());
        AssertPredictions(model.Classify("cold rain"), batch[0]);
        AssertPredictions(model.Classify("a", "b"), batch[1]);

        var raw = await TestServerHost.JsonAsync(await host.PostJsonAsync("/predict", new { inputs = "cold rain", raw_scores = true }));
        var logits = model.Classify("cold rain").Logits;
        foreach (var p in raw.EnumerateArray())
            Assert.Equal(logits[Array.IndexOf(["neg", "neu", "pos"], p.GetProperty("label").GetString())], p.GetProperty("score").GetSingle(), Tolerance);
    }

    private static void AssertPredictions(BertClassification expected, System.Text.Json.JsonElement actual)
    {
        string[] labels = ["neg", "neu", "pos"];
        Assert.Equal(3, actual.GetArrayLength());
        Assert.Equal(expected.Label, actual[0].GetProperty("label").GetString());
        float previous = float.MaxValue;
        foreach (var p in actual.EnumerateArray())
        {
            float score = p.GetProperty("score").GetSingle();
            Assert.True(score <= previous, "scores are sorted, highest first");
            previous = score;
            Assert.Equal(expected.Scores[Array.IndexOf(labels, p.GetProperty("label").GetString())], score, Tolerance);
        }
    }

    [Fact]
    public async Task Rerank_SortsBySigmoidOfTheCrossEncoderLogit()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.CrossEncoder);
        using var model = BertModel.Load(checkpoints.CrossEncoder);
        string query = "weather today";
        string[] texts = ["sunny and cold", "piano music", "rain in the city", "the lazy dog"];
        var json = await TestServerHost.JsonAsync(await host.PostJsonAsync("/rerank", new { query, texts, return_text = true }));
        var expected = texts.Select((t, i) => (Index: i, Score: 1 / (1 + MathF.Exp(-model.Classify(query, t).Logits[0]))))
            .OrderByDescending(x => x.Score).ToArray();
        Assert.Equal(texts.Length, json.GetArrayLength());
        for (int r = 0; r < texts.Length; r++)
        {
            Assert.Equal(expected[r].Index, json[r].GetProperty("index").GetInt32());
            Assert.Equal(expected[r].Score, json[r].GetProperty("score").GetSingle(), Tolerance);
            Assert.Equal(texts[expected[r].Index], json[r].GetProperty("text").GetString());
        }
        var bad = await host.PostJsonAsync("/rerank", new { query = 3, texts });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task FillMask_MatchesTheCoreFillMask()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.MaskedLM);
        using var model = BertModel.Load(checkpoints.MaskedLM);
        string text = "the quick [MASK] fox jumps over the [MASK] dog";
        var expected = model.FillMask(text, new Bert.Pipelines.FillMaskOptions { TopK = 4 });
        var json = await TestServerHost.JsonAsync(await host.PostJsonAsync("/fill-mask", new { inputs = text, top_k = 4 }));
        Assert.Equal(1, json.GetArrayLength());
        Assert.Equal(2, json[0].GetArrayLength());
        for (int m = 0; m < 2; m++)
            for (int k = 0; k < 4; k++)
            {
                var c = json[0][m][k];
                Assert.Equal(expected[m][k].Id, c.GetProperty("token").GetInt32());
                Assert.Equal(expected[m][k].Score, c.GetProperty("score").GetSingle(), Tolerance);
                Assert.Contains(c.GetProperty("token_str").GetString()!, c.GetProperty("sequence").GetString());
            }
        var noMask = await host.PostJsonAsync("/fill-mask", new { inputs = new[] { "a [MASK]", "no mask" } });
        Assert.Equal(HttpStatusCode.BadRequest, noMask.StatusCode);
        Assert.Contains("inputs[1]", (await TestServerHost.JsonAsync(noMask)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Tokenize_ReturnsTheTokenizersIdsAndOffsets()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder);
        using var model = BertModel.Load(checkpoints.Encoder);
        string text = "The quick, brown fox!";
        var e = model.Tokenizer!.Encode(text);
        var json = await TestServerHost.JsonAsync(await host.PostJsonAsync("/tokenize", new { inputs = text }));
        var tokens = json[0];
        Assert.Equal(e.Ids.Length, tokens.GetArrayLength());
        for (int i = 0; i < e.Ids.Length; i++)
        {
            Assert.Equal(e.Ids[i], tokens[i].GetProperty("id").GetInt32());
            bool special = tokens[i].GetProperty("special").GetBoolean();
            Assert.Equal(e.SpecialTokensMask[i] == 1, special);
            if (!special) Assert.Equal(e.Offsets[i].Start, tokens[i].GetProperty("start").GetInt32());
        }
    }

    [Fact]
    public async Task Info_Health_Metrics_OpenApi()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.Classifier, o => o.ModelId = "my-classifier");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health")).StatusCode);
        var info = await TestServerHost.JsonAsync(await host.Client.GetAsync("/info"));
        Assert.Equal("my-classifier", info.GetProperty("model_id").GetString());
        Assert.Equal(64, info.GetProperty("dimensions").GetInt32());
        Assert.Equal(128, info.GetProperty("max_input_length").GetInt32());
        Assert.Contains("classification", info.GetProperty("heads").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal("pos", info.GetProperty("id2label").GetProperty("2").GetString());

        await host.PostJsonAsync("/predict", new { inputs = "a" });
        string metrics = await host.Client.GetStringAsync("/metrics");
        Assert.Contains("bert_server_requests_total", metrics);
        Assert.Contains("endpoint=\"predict\"", metrics);
        Assert.Contains("bert_server_batch_size", metrics);
        Assert.Contains("bert_server_queue_depth", metrics);

        string openApi = await host.Client.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/embed", "/v1/embeddings", "/predict", "/rerank", "/tokenize", "/info" })
            Assert.Contains($"\"{path}\"", openApi);
    }
}
