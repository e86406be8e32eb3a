using System.CommandLine;
using System.Globalization;
using Bert.Cli.Output;
using Bert.Pipelines;

namespace Bert.Cli.Commands;

/// <summary><c>bert rerank</c>: scores documents against a query with a cross-encoder, best first.</summary>
internal static class RerankCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var query = new Option<string>("--query", "-q") { Description = "The query.", Required = true };
        var texts = TextInput.Texts("Documents to rank (or use --input, or pipe lines on stdin).");
        var input = TextInput.File();
        var topK = new Option<int?>("--top-k", "-k") { Description = "Print only the best k documents (default all)." };
        var command = new Command("rerank", "Rank documents by relevance to a query with a cross-encoder checkpoint.") { model, revision, query, texts, input, topK };
        CliRun.Action(command, async (parse, ct) =>
        {
            var documents = TextInput.Read(parse, texts, input);
            int? k = parse.GetValue(topK);
            if (k < 1) throw new UsageException("--top-k must be at least 1.");
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            var ranked = await bert.RerankAsync(parse.GetRequiredValue(query), documents, new RerankOptions { TopK = k }, ct);
            bool json = parse.GetValue(CommonOptions.Json);
            foreach (var r in ranked)
            {
                if (json) JsonLines.Write(new { r.Index, Text = documents[r.Index], r.Score, r.Logit });
                else Console.Out.WriteLine($"{r.Score.ToString("F4", CultureInfo.InvariantCulture)}  {Text.Clip(documents[r.Index], 70)}");
            }
            return CliRun.Ok;
        });
        return command;
    }
}
