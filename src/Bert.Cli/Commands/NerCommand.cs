using System.CommandLine;
using System.Globalization;
using Bert.Cli.Output;
using Bert.Pipelines;

namespace Bert.Cli.Commands;

/// <summary><c>bert ner</c>: named entities (token classification) of each text, with character offsets.</summary>
internal static class NerCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var texts = TextInput.Texts();
        var input = TextInput.File();
        var aggregation = new Option<AggregationStrategy>("--aggregation") { Description = "None (one entry per token), Simple, First, Average or Max (Hugging Face's aggregation_strategy). Default Simple.", DefaultValueFactory = _ => AggregationStrategy.Simple };
        var command = new Command("ner", "Find entities with a token-classification checkpoint.") { model, revision, texts, input, aggregation };
        CliRun.Action(command, async (parse, ct) =>
        {
            var lines = TextInput.Read(parse, texts, input);
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            var results = await bert.ExtractEntitiesAsync(lines, new TokenClassificationOptions { AggregationStrategy = parse.GetValue(aggregation) }, ct);
            bool json = parse.GetValue(CommonOptions.Json);
            for (int i = 0; i < lines.Count; i++)
            {
                if (json)
                {
                    JsonLines.Write(new { Text = lines[i], Entities = results[i] });
                    continue;
                }
                Console.Out.WriteLine($"{Text.Clip(lines[i], 70)}  ({results[i].Count} entities)");
                foreach (var e in results[i])
                    Console.Out.WriteLine($"  {e.Label,-10} {e.Score.ToString("F4", CultureInfo.InvariantCulture)}  [{e.Start},{e.End})  {e.Word}");
            }
            return CliRun.Ok;
        });
        return command;
    }
}
