using System.CommandLine;
using System.Globalization;
using Bert.Cli.Output;

namespace Bert.Cli.Commands;

/// <summary><c>bert similarity</c>: cosine similarity of the first text to each of the others, most similar first.</summary>
internal static class SimilarityCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var texts = TextInput.Texts("The query text, then the texts to compare it with (or use --input: first line is the query).");
        var input = TextInput.File();
        var options = new EmbeddingFlags();
        var command = new Command("similarity", "Cosine similarity between the first text and each of the others.") { model, revision, texts, input };
        options.AddTo(command);
        CliRun.Action(command, async (parse, ct) =>
        {
            var lines = TextInput.Read(parse, texts, input);
            if (lines.Count < 2) throw new UsageException("similarity needs a query and at least one text to compare it with.");
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            var vectors = EncodeCommand.Embed(bert, lines, options.Read(parse), ct);
            var ranked = Enumerable.Range(1, lines.Count - 1).Select(i => (Index: i, Score: Cosine(vectors[0], vectors[i])))
                .OrderByDescending(r => r.Score).ThenBy(r => r.Index);
            bool json = parse.GetValue(CommonOptions.Json);
            foreach (var (index, score) in ranked)
            {
                if (json) JsonLines.Write(new { Index = index - 1, Text = lines[index], Score = score });
                else Console.Out.WriteLine($"{score.ToString("F4", CultureInfo.InvariantCulture)}  {Text.Clip(lines[index], 70)}");
            }
            return CliRun.Ok;
        });
        return command;
    }

    /// <summary>cos(a, b) = a·b / (‖a‖ ‖b‖), 0 when either is the zero vector.</summary>
    internal static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
