using System.CommandLine;
using Bert.Server;

namespace Bert.Cli.Commands;

/// <summary><c>bert serve</c>: the HTTP server (TEI- and OpenAI-compatible endpoints) on one model until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var host = new Option<string>("--host") { Description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port", "-p") { Description = "Port (default 8080).", DefaultValueFactory = _ => 8080 };
        var pooling = new Option<BertPooling?>("--pooling") { Description = "Override the embedding pooling (Mean, Cls, Max, ...); default: the folder's sentence-transformers Pooling module, else mean." };
        var maxBatchTokens = new Option<int>("--max-batch-tokens") { Description = "Token budget of one batched forward pass (default 16384).", DefaultValueFactory = _ => 16384 };
        var noBatching = new Option<bool>("--no-batching") { Description = "Run each request alone instead of batching concurrent ones." };
        var noPlayground = new Option<bool>("--no-playground") { Description = "Do not serve the browser playground at /." };
        var command = new Command("serve", "Serve the model over HTTP (/embed, /predict, /rerank, /fill-mask, /ner, /qa, /tokenize, OpenAI /v1/embeddings, /health, /metrics).")
            { model, revision, host, port, pooling, maxBatchTokens, noBatching, noPlayground };
        CliRun.Action(command, async (parse, ct) =>
        {
            string id = parse.GetRequiredValue(model);
            string folder = await ModelSource.ResolveAsync(id, parse.GetValue(revision), ct);
            var options = new BertServerOptions
            {
                ModelPath = folder,
                ModelId = Directory.Exists(id) ? null : id,
                Host = parse.GetRequiredValue(host),
                Port = parse.GetValue(port),
                Pooling = parse.GetValue(pooling),
                MaxBatchTokens = parse.GetValue(maxBatchTokens),
                Batching = !parse.GetValue(noBatching),
                Playground = !parse.GetValue(noPlayground),
            };
            Console.Error.WriteLine($"bert serve: {options.ModelId ?? folder} on http://{options.Host}:{options.Port} (Ctrl+C stops)");
            await BertServer.RunAsync(options, ct);
            return CliRun.Ok;
        });
        return command;
    }
}
