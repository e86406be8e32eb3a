using System.CommandLine;
using System.Globalization;
using Bert.Cli.Output;

namespace Bert.Cli.Commands;

/// <summary><c>bert classify</c>: sequence classification (label and softmax probabilities) of each text or text pair.</summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var texts = TextInput.Texts();
        var input = TextInput.File();
        var pair = new Option<string?>("--pair") { Description = "Second text of a pair (entailment, paraphrase), applied to every text." };
        var command = new Command("classify", "Classify texts with a BertForSequenceClassification checkpoint.") { model, revision, texts, input, pair };
        CliRun.Action(command, async (parse, ct) =>
        {
            var lines = TextInput.Read(parse, texts, input);
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            string? second = parse.GetValue(pair);
            bool json = parse.GetValue(CommonOptions.Json);
            foreach (string text in lines)
            {
                ct.ThrowIfCancellationRequested();
                var c = second is null ? bert.Classify(text) : bert.Classify(text, second);
                if (json)
                    JsonLines.Write(new { Text = text, c.Label, c.Score, Probabilities = Enumerable.Range(0, c.Probabilities.Count).ToDictionary(i => bert.Config.Id2Label.TryGetValue(i, out var name) ? name : $"LABEL_{i}", i => c.Probabilities[i]) });
                else
                    Console.Out.WriteLine($"{c.Label}  {c.Score.ToString("F4", CultureInfo.InvariantCulture)}  {Text.Clip(text, 60)}");
            }
            return CliRun.Ok;
        });
        return command;
    }
}
