using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Bert.Server.Inference;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Bert.Server.Tests;

/// <summary>Dynamic batching changes nothing but speed: concurrent answers equal single-request answers.</summary>
[Collection(ServerCollection.Name)]
public sealed class BatchingTests(Checkpoints checkpoints)
{
    [Fact]
    public async Task ConcurrentRequests_AreBatched_AndEqualTheSingleRequestAnswers()
    {
        var sentences = Reference.Sentences(48, seed: 7);
        // Alone: batching off, one request at a time.
        var alone = new float[sentences.Length][];
        await using (var single = await TestServerHost.StartAsync(checkpoints.Encoder, o => o.Batching = false))
            for (int i = 0; i < sentences.Length; i++)
                alone[i] = Reference.Floats((await TestServerHost.JsonAsync(await single.PostJsonAsync("/embed", new { inputs = sentences[i] })))[0]);

        int largestBatch = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Bert.Server" && instrument.Name == "bert.server.batch.size") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => InterlockedMax(ref largestBatch, value));
        listener.Start();

        // Together: a 20 ms batching window so that concurrent requests reliably share passes on a busy machine.
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder, o => o.MaxBatchWait = TimeSpan.FromMilliseconds(20));
        var answers = await Task.WhenAll(sentences.Select(async s =>
        {
            var response = await host.PostJsonAsync("/embed", new { inputs = s });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return Reference.Floats((await TestServerHost.JsonAsync(response))[0]);
        }));
        for (int i = 0; i < sentences.Length; i++)
            Assert.True(Reference.MaxAbsDiff(alone[i], answers[i]) <= 1e-5, $"sentence {i}"); // the bound: batching is invisible
        Assert.True(largestBatch > 1, $"no packed batch held more than one input (largest {largestBatch})");
    }

    [Fact]
    public async Task CancelledRequest_IsDroppedBeforeItsBatchRuns()
    {
        int runs = 0, inputs = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Bert.Server" && instrument.Name == "bert.server.batch.size") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            Interlocked.Increment(ref runs);
            Interlocked.Add(ref inputs, value);
        });
        listener.Start();
        // A long batching window holds the first input in the queue while we cancel it.
        await using var host = await TestServerHost.StartAsync(checkpoints.Encoder, o => o.MaxBatchWait = TimeSpan.FromSeconds(1));
        using var cts = new CancellationTokenSource();
        var doomed = host.Client.PostAsync("/embed", new StringContent("{\"inputs\": [\"a\", \"b\", \"c\"]}", System.Text.Encoding.UTF8, "application/json"), cts.Token);
        await Task.Delay(100);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => doomed);
        var kept = await host.PostJsonAsync("/embed", new { inputs = "d" });
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(1, Volatile.Read(ref inputs)); // only "d" reached the model
    }

    [Fact]
    public async Task Shutdown_AnswersEveryQueuedRequest()
    {
        // Kestrel on loopback (TestServer does not drain): 16 requests wait in a 2 s batching window, then the host stops.
        var app = BertServer.Build(new BertServerOptions { ModelPath = checkpoints.Encoder, Port = 0, MaxBatchWait = TimeSpan.FromSeconds(2) });
        await app.StartAsync();
        var modelHost = app.Services.GetRequiredService<ModelHost>();
        await modelHost.WhenLoaded;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var pending = Reference.Sentences(16, seed: 9).Select(s => client.PostAsJsonAsync("/embed", new { inputs = s })).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (modelHost.Require().Queue.Depth < pending.Length && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.Equal(pending.Length, modelHost.Require().Queue.Depth);

        await app.StopAsync();
        var statuses = await Task.WhenAll(pending.Select(async p => (await p).StatusCode));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await app.DisposeAsync();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
