using System.Net;
using Bert.Pipelines;

namespace Bert.Server.Tests;

/// <summary>/ner and /qa answer exactly what the core's span pipelines answer (the server only validates, queues and maps fields).</summary>
[Collection(ServerCollection.Name)]
public sealed class SpanEndpointTests(Checkpoints checkpoints)
{
    [Theory]
    [InlineData("simple", AggregationStrategy.Simple)]
    [InlineData("none", AggregationStrategy.None)]
    [InlineData("max", AggregationStrategy.Max)]
    public async Task Ner_MatchesExtractEntities(string name, AggregationStrategy strategy)
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.TokenClassifier);
        using var model = BertModel.Load(checkpoints.TokenClassifier);
        string[] texts = ["the lazy dog jumps over the river bank", "piano music in the city at night"];
        // ignore_labels [] keeps every token, so the comparison covers all of them.
        var expected = model.ExtractEntities(texts, new TokenClassificationOptions { AggregationStrategy = strategy, IgnoreLabels = [] });
        var json = await TestServerHost.JsonAsync(await host.PostJsonAsync("/ner", new { inputs = texts, aggregation_strategy = name, ignore_labels = Array.Empty<string>() }));
        Assert.Equal(2, json.GetArrayLength());
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i].Count, json[i].GetArrayLength());
            Assert.NotEmpty(expected[i]);
            for (int k = 0; k < expected[i].Count; k++)
            {
                var e = json[i][k];
                Assert.Equal(expected[i][k].Label, e.GetProperty(strategy == AggregationStrategy.None ? "entity" : "entity_group").GetString());
                Assert.Equal(expected[i][k].Score, e.GetProperty("score").GetSingle()); // same pipeline, same floats: exact
                Assert.Equal(expected[i][k].Start, e.GetProperty("start").GetInt32());
                Assert.Equal(expected[i][k].End, e.GetProperty("end").GetInt32());
                Assert.Equal(expected[i][k].Word, e.GetProperty("word").GetString());
            }
        }
    }

    [Fact]
    public async Task Ner_Errors()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.TokenClassifier);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostJsonAsync("/ner", new { inputs = "a", aggregation_strategy = "median" })).StatusCode);
        string longText = string.Join(' ', Enumerable.Repeat("river bank", 100));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.PostJsonAsync("/ner", new { inputs = longText })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.PostJsonAsync("/ner", new { inputs = longText, stride = 16 })).StatusCode);
        // A stride with no aggregation is refused by the core pipeline: its ArgumentException becomes 400.
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostJsonAsync("/ner", new { inputs = longText, stride = 16, aggregation_strategy = "none" })).StatusCode);
    }

    [Fact]
    public async Task Qa_MatchesAnswerQuestion()
    {
        await using var host = await TestServerHost.StartAsync(checkpoints.QuestionAnswering);
        using var model = BertModel.Load(checkpoints.QuestionAnswering);
        string question = "where is the dog", context = "the lazy dog sleeps by the river bank in the city";
        var expected = model.AnswerQuestion(question, context, new QuestionAnsweringOptions { TopK = 3 });
        var json = await TestServerHost.JsonAsync(await host.PostJsonAsync("/qa", new { question, context, top_k = 3 }));
        Assert.Equal(expected.Count, json.GetArrayLength());
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k].Answer, json[k].GetProperty("answer").GetString());
            Assert.Equal(expected[k].Score, json[k].GetProperty("score").GetSingle());
            Assert.Equal(context[expected[k].Start..expected[k].End], json[k].GetProperty("answer").GetString());
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostJsonAsync("/qa", new { question = "", context })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostJsonAsync("/qa", new { context })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostJsonAsync("/qa", new { question, context, top_k = 0 })).StatusCode);
    }
}
