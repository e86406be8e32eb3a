using System.CommandLine;
using System.Globalization;
using Bert.Cli.Output;
using Bert.Pipelines;

namespace Bert.Cli.Commands;

/// <summary><c>bert classify</c>: sequence classification of each text or text pair (Hugging Face's text-classification pipeline).</summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var texts = TextInput.Texts();
        var input = TextInput.File();
        var pair = new Option<string?>("--pair") { Description = "Second text of a pair (entailment, paraphrase), applied to every text." };
        var topK = new Option<int?>("--top-k", "-k") { Description = "Labels to print per text, best first (default 1; 0 = all)." };
        var function = new Option<ClassificationFunction>("--function") { Description = "Score function: Default (from config.json's problem_type and num_labels), Softmax, Sigmoid or None.", DefaultValueFactory = _ => ClassificationFunction.Default };
        var command = new Command("classify", "Classify texts with a sequence-classification checkpoint.") { model, revision, texts, input, pair, topK, function };
        CliRun.Action(command, async (parse, ct) =>
        {
            var lines = TextInput.Read(parse, texts, input);
            int? k = parse.GetValue(topK) ?? 1;
            if (k < 0) throw new UsageException("--top-k must be 0 (all) or more.");
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            string? second = parse.GetValue(pair);
            var options = new TextClassificationOptions { TopK = k == 0 ? null : k, FunctionToApply = parse.GetValue(function) };
            var results = await bert.ClassifyAsync([.. lines.Select(t => (t, second))], options, ct);
            bool json = parse.GetValue(CommonOptions.Json);
            for (int i = 0; i < lines.Count; i++)
            {
                var c = results[i];
                if (json)
                    JsonLines.Write(new { Text = lines[i], c.Label, c.Score, Labels = c.Labels });
                else
                    Console.Out.WriteLine($"{Text.Clip(lines[i], 60)}  " + string.Join("  ",
                        c.Labels.Select(l => $"{l.Label} {l.Score.ToString("F4", CultureInfo.InvariantCulture)}")));
            }
            return CliRun.Ok;
        });
        return command;
    }
}
