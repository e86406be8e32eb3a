using System.CommandLine;
using System.Globalization;
using Bert.Cli.Output;

namespace Bert.Cli.Commands;

/// <summary><c>bert fill-mask</c>: the most probable tokens for each [MASK] of each text.</summary>
internal static class FillMaskCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var texts = TextInput.Texts("Texts containing [MASK] (or use --input, or pipe lines on stdin).");
        var input = TextInput.File();
        var topK = new Option<int>("--top-k", "-k") { Description = "Candidates per mask (default 5).", DefaultValueFactory = _ => 5 };
        var command = new Command("fill-mask", "Predict the masked tokens with a BertForMaskedLM checkpoint.") { model, revision, texts, input, topK };
        CliRun.Action(command, async (parse, ct) =>
        {
            var lines = TextInput.Read(parse, texts, input);
            int k = parse.GetValue(topK);
            if (k < 1) throw new UsageException("--top-k must be at least 1.");
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            bool json = parse.GetValue(CommonOptions.Json);
            foreach (string text in lines)
            {
                ct.ThrowIfCancellationRequested();
                var masks = bert.FillMask(text, Math.Min(k, bert.Config.VocabSize));
                if (json)
                {
                    JsonLines.Write(new { Text = text, Masks = masks.Select(m => m.Select(p => new { p.Token, p.Id, p.Probability })) });
                    continue;
                }
                Console.Out.WriteLine(Text.Clip(text, 70));
                for (int m = 0; m < masks.Count; m++)
                    Console.Out.WriteLine($"  mask {m + 1}: " + string.Join("  ", masks[m].Select(p => $"{p.Token} {p.Probability.ToString("F4", CultureInfo.InvariantCulture)}")));
            }
            return CliRun.Ok;
        });
        return command;
    }
}
