using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Bert.Server.Inference;

/// <summary>
/// The server's instruments (meter <c>Bert.Server</c>), exported as Prometheus text at <c>/metrics</c>: request counts
/// and latency per endpoint and status, batch sizes in inputs and tokens, forward-pass time, queue depth, tokens/s.
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    /// <summary>The meter name to register with OpenTelemetry.</summary>
    public const string MeterName = "Bert.Server";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<int> _batchInputs;
    private readonly Histogram<int> _batchTokens;
    private readonly Histogram<double> _forwardDuration;
    private readonly Counter<long> _tokens;
    private double _lastTokensPerSecond;

    public ServerMetrics()
    {
        _requests = _meter.CreateCounter<long>("bert.server.requests", "{request}", "HTTP requests by endpoint and status code.");
        _requestDuration = _meter.CreateHistogram<double>("bert.server.request.duration", "s", "Request latency by endpoint and status code.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _batchInputs = _meter.CreateHistogram<int>("bert.server.batch.size", "{input}", "Inputs per packed forward pass.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _batchTokens = _meter.CreateHistogram<int>("bert.server.batch.tokens", "{token}", "Tokens per packed forward pass.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [16, 64, 256, 1024, 4096, 16384, 65536] });
        _forwardDuration = _meter.CreateHistogram<double>("bert.server.forward.duration", "s", "Time of one packed forward pass.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _tokens = _meter.CreateCounter<long>("bert.server.tokens", "{token}", "Tokens run through the model (rate() gives tokens/s).");
        _meter.CreateObservableGauge("bert.server.tokens_per_second", () => Volatile.Read(ref _lastTokensPerSecond), "{token}/s",
            "Throughput of the last forward pass.");
    }

    /// <summary>Reports the queue depth through <paramref name="depth"/> (called once the model is loaded).</summary>
    public void ObserveQueue(Func<int> depth) =>
        _meter.CreateObservableGauge("bert.server.queue.depth", depth, "{input}", "Inputs waiting for a forward pass.");

    public void RecordRequest(string endpoint, int status, TimeSpan elapsed)
    {
        var tags = new TagList { { "endpoint", endpoint }, { "status", status } };
        _requests.Add(1, tags);
        _requestDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void RecordBatch(int inputs, int tokens, TimeSpan elapsed)
    {
        _batchInputs.Record(inputs);
        _batchTokens.Record(tokens);
        _forwardDuration.Record(elapsed.TotalSeconds);
        _tokens.Add(tokens);
        if (elapsed > TimeSpan.Zero) Volatile.Write(ref _lastTokensPerSecond, tokens / elapsed.TotalSeconds);
    }

    public void Dispose() => _meter.Dispose();
}
