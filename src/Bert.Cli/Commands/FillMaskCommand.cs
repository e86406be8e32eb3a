using System.CommandLine;
using System.Globalization;
using Bert.Cli.Output;
using Bert.Pipelines;

namespace Bert.Cli.Commands;

/// <summary><c>bert fill-mask</c>: the most probable tokens for each [MASK] of each text (Hugging Face's fill-mask pipeline).</summary>
internal static class FillMaskCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var texts = TextInput.Texts("Texts containing [MASK] (or use --input, or pipe lines on stdin).");
        var input = TextInput.File();
        var topK = new Option<int>("--top-k", "-k") { Description = "Candidates per mask (default 5).", DefaultValueFactory = _ => 5 };
        var targets = new Option<string[]>("--target") { Description = "Only score these candidate words (repeat the option).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("fill-mask", "Predict the masked tokens with a masked-LM checkpoint.") { model, revision, texts, input, topK, targets };
        CliRun.Action(command, async (parse, ct) =>
        {
            var lines = TextInput.Read(parse, texts, input);
            int k = parse.GetValue(topK);
            if (k < 1) throw new UsageException("--top-k must be at least 1.");
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            var chosen = parse.GetValue(targets);
            var options = new FillMaskOptions { TopK = Math.Min(k, bert.Config.VocabSize), Targets = chosen is { Length: > 0 } ? chosen : null };
            var results = await bert.FillMaskAsync(lines, options, ct);
            bool json = parse.GetValue(CommonOptions.Json);
            for (int i = 0; i < lines.Count; i++)
            {
                var masks = results[i];
                if (json)
                {
                    JsonLines.Write(new { Text = lines[i], Masks = masks });
                    continue;
                }
                Console.Out.WriteLine(Text.Clip(lines[i], 70));
                for (int m = 0; m < masks.Count; m++)
                    Console.Out.WriteLine($"  mask {m + 1}: " + string.Join("  ", masks[m].Select(p => $"{p.Token} {p.Score.ToString("F4", CultureInfo.InvariantCulture)}")));
            }
            return CliRun.Ok;
        });
        return command;
    }
}
