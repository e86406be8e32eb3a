// Load benchmark of the server on 127.0.0.1 only: 1, 4, 16, 64 concurrent clients send real-length sentences to /embed,
// first with dynamic batching on, then with each request run alone (batching off), in one run. Every cell is bounded
// in requests and in time and stops by itself. Prints p50/p99 latency, throughput, the on/off ratio, and fails if a
// request got anything but 200 or 429 ("nothing lost").
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Bert;
using Bert.Server;
using Bert.Synthetic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

var settings = LoadSettings.Parse(args);
string folder = settings.ModelFolder ?? Path.Combine("models", "synthetic-minilm-load");
if (!File.Exists(Path.Combine(folder, "model.safetensors")))
{
    Console.Error.WriteLine($"Writing a synthetic MiniLM-L6-shaped checkpoint (H 384, 6 layers, vocab 30522) to {folder} ...");
    SyntheticCheckpoint.Create(folder, new SyntheticOptions
    {
        Config = new BertConfig { HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12, IntermediateSize = 1536, MaxPositionEmbeddings = 512 },
        Head = SyntheticHead.BertModel,
    });
}

var sentences = Sentences.Generate(512, seed: 42);
using (var model = BertModel.Load(folder))
{
    var lengths = sentences.Select(s => model.Tokenizer!.Encode(s).Length).Order().ToArray();
    Console.WriteLine($"model {folder}: H {model.Config.HiddenSize}, {model.Config.NumHiddenLayers} layers; sentences of {lengths[0]}–{lengths[^1]} tokens (median {lengths[lengths.Length / 2]})");
}
Console.WriteLine($"machine: {Environment.ProcessorCount} cores (shared with other work: compare ratios within this run)");
Console.WriteLine($"bounds per cell: {settings.MaxRequests} requests or {settings.MaxSeconds} s, whichever comes first");
Console.WriteLine();
Console.WriteLine("| batching | clients | requests | 200 | 429 | other | p50 ms | p99 ms | req/s |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");

// Both servers run side by side and the cells alternate on/off per client count, so that the load other work puts on
// this shared machine drifts over both modes alike.
var results = new Dictionary<(bool, int), CellResult>();
var servers = new Dictionary<bool, (WebApplication App, HttpClient Client)>();
foreach (bool batching in new[] { true, false })
{
    var app = BertServer.Build(new BertServerOptions { ModelPath = folder, Port = 0, Batching = batching, Playground = false });
    await app.StartAsync();
    string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    if (!address.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)) throw new InvalidOperationException($"not loopback: {address}");
    var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    await WaitReady(client);
    await Cell.RunAsync(client, sentences, 4, 32, 10); // warm-up (JIT, workspace growth), not reported
    servers[batching] = (app, client);
}
foreach (int clients in settings.Clients)
    foreach (bool batching in clients % 2 == 0 ? new[] { true, false } : new[] { false, true })
    {
        var r = await Cell.RunAsync(servers[batching].Client, sentences, clients, settings.MaxRequests, settings.MaxSeconds);
        results[(batching, clients)] = r;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {(batching ? "on" : "off")} | {clients} | {r.Requests} | {r.Ok} | {r.Refused} | {r.Other} | {r.P50:F1} | {r.P99:F1} | {r.Throughput:F1} |"));
    }
foreach (var (app, client) in servers.Values)
{
    client.Dispose();
    await app.StopAsync();
    await app.DisposeAsync();
}

Console.WriteLine();
Console.WriteLine("| clients | throughput on/off | p50 off/on | p99 off/on |");
Console.WriteLine("|---:|---:|---:|---:|");
foreach (int clients in settings.Clients)
{
    var (on, off) = (results[(true, clients)], results[(false, clients)]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {clients} | {on.Throughput / off.Throughput:F2}× | {off.P50 / on.P50:F2}× | {off.P99 / on.P99:F2}× |"));
}
int lost = results.Values.Sum(r => r.Other);
Console.WriteLine(lost == 0 ? "\nnothing lost: every request was answered (200) or refused (429)." : $"\n{lost} requests got another status or failed.");
return lost == 0 ? 0 : 1;

static async Task WaitReady(HttpClient client)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromSeconds(60))
    {
        try
        {
            if ((await client.GetAsync("/health")).IsSuccessStatusCode) return;
        }
        catch (HttpRequestException) { }
        await Task.Delay(50);
    }
    throw new TimeoutException("the server did not become ready in 60 s");
}

/// <summary>Outcome of one (mode, clients) cell: status counts and latency percentiles of the 200s.</summary>
internal sealed record CellResult(int Requests, int Ok, int Refused, int Other, double P50, double P99, double Throughput);

/// <summary>Closed-loop clients: each sends its next request when the previous one is answered.</summary>
internal static class Cell
{
    public static async Task<CellResult> RunAsync(HttpClient client, string[] sentences, int clients, int maxRequests, int maxSeconds)
    {
        int issued = 0, ok = 0, refused = 0, other = 0;
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        var stopAt = TimeSpan.FromSeconds(maxSeconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            int i;
            while ((i = Interlocked.Increment(ref issued)) <= maxRequests && clock.Elapsed < stopAt)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.PostAsJsonAsync("/embed", new { inputs = sentences[(i * 7 + c) % sentences.Length] });
                    await response.Content.ReadAsByteArrayAsync();
                    if ((int)response.StatusCode == 200) { Interlocked.Increment(ref ok); latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds); }
                    else if ((int)response.StatusCode == 429) Interlocked.Increment(ref refused);
                    else Interlocked.Increment(ref other);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref other);
                }
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new CellResult(ok + refused + other, ok, refused, other, Percentile(0.50), Percentile(0.99), ok / seconds);
    }
}

/// <summary>Command line: --clients 1,4,16,64 --requests N --seconds S --model folder.</summary>
internal sealed record LoadSettings(int[] Clients, int MaxRequests, int MaxSeconds, string? ModelFolder)
{
    public static LoadSettings Parse(string[] args)
    {
        var s = new LoadSettings([1, 4, 16, 64], 1500, 15, null);
        for (int i = 0; i + 1 < args.Length; i += 2)
            s = args[i] switch
            {
                "--clients" => s with { Clients = [.. args[i + 1].Split(',').Select(int.Parse)] },
                "--requests" => s with { MaxRequests = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--seconds" => s with { MaxSeconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--model" => s with { ModelFolder = args[i + 1] },
                _ => throw new ArgumentException($"unknown option {args[i]} (use --clients, --requests, --seconds, --model)"),
            };
        return s;
    }
}

/// <summary>English-like sentences of 8–40 words (about 10–50 tokens), what embedding services mostly see.</summary>
internal static class Sentences
{
    private static readonly string[] Words = ("the a of to and in is that for it as with was on be by this are from at or an have not but " +
        "they which one you were all we her she there would their will when who him been has more if no out do so can what up said about other " +
        "into than its time only could new them man some these then two first may any like now my such make over our even most me state after " +
        "also made many did must before back see through way where get much go well your know should down work year because come people just " +
        "weather city river music model server search document query answer language text price market water school").Split(' ');

    public static string[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var words = Enumerable.Range(0, random.Next(8, 41)).Select(_ => Words[random.Next(Words.Length)]).ToArray();
            words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
            return string.Join(' ', words) + ".";
        })];
    }
}
