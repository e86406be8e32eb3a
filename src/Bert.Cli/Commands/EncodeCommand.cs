using System.CommandLine;
using Bert.Cli.Output;

namespace Bert.Cli.Commands;

/// <summary><c>bert encode</c>: one embedding per text, as a summary, JSON lines, TSV or a .npy matrix.</summary>
internal static class EncodeCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var texts = TextInput.Texts();
        var input = TextInput.File();
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout (the format follows its extension: .npy, .tsv, .jsonl)." };
        var format = new Option<string?>("--format", "-f") { Description = "human | jsonl | tsv | npy (default: jsonl with --json, else from --output's extension, else human)." };
        var options = new EmbeddingFlags();
        var command = new Command("encode", "Embed texts: one vector per text (pooling, normalization and prompts from the folder's sentence-transformers files unless overridden).")
            { model, revision, texts, input, output, format };
        options.AddTo(command);
        CliRun.Action(command, async (parse, ct) =>
        {
            var lines = TextInput.Read(parse, texts, input);
            string? path = parse.GetValue(output);
            var chosen = VectorWriter.Choose(parse.GetValue(format), parse.GetValue(CommonOptions.Json), path);
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            var vectors = Embed(bert, lines, options.Read(parse), ct);
            VectorWriter.Write(chosen, lines, vectors, path);
            return CliRun.Ok;
        });
        return command;
    }

    /// <summary>Embeds with the library's embedding API (sorted by length, packed into token-budget batches, input
    /// order kept); a progress bar shows on a terminal when there are many texts.</summary>
    internal static float[][] Embed(BertModel model, IReadOnlyList<string> texts, EmbeddingOptions options, CancellationToken ct)
    {
        var bar = ProgressBar.Enabled && texts.Count >= 64 ? new ProgressBar() : null;
        var progress = bar is null ? null : new InlineProgress<EmbeddingProgress>(p =>
            bar.Report((p.Embedded, p.Total ?? texts.Count, $"{p.Embedded}/{p.Total ?? texts.Count} texts, {p.Tokens} tokens")));
        try
        {
            return model.Encode(texts, options, progress, ct);
        }
        finally
        {
            ProgressBar.Clear();
        }
    }

    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
