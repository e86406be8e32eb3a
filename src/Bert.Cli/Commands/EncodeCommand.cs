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
        var pooling = new Option<BertPooling>("--pooling") { Description = "mean (default), cls or pooler.", DefaultValueFactory = _ => BertPooling.Mean };
        var normalize = new Option<bool>("--normalize") { Description = "Scale each vector to unit L2 norm." };
        var batchSize = new Option<int>("--batch-size") { Description = "Texts per forward pass (default 32).", DefaultValueFactory = _ => 32 };
        var command = new Command("encode", "Embed texts: one vector per text.") { model, revision, texts, input, output, format, pooling, normalize, batchSize };
        CliRun.Action(command, async (parse, ct) =>
        {
            var lines = TextInput.Read(parse, texts, input);
            string? path = parse.GetValue(output);
            var chosen = VectorWriter.Choose(parse.GetValue(format), parse.GetValue(CommonOptions.Json), path);
            int batch = parse.GetValue(batchSize);
            if (batch < 1) throw new UsageException("--batch-size must be at least 1.");
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            var vectors = Embed(bert, lines, parse.GetValue(pooling), batch, ct);
            if (parse.GetValue(normalize)) foreach (var v in vectors) Normalize(v);
            VectorWriter.Write(chosen, lines, vectors, path);
            return CliRun.Ok;
        });
        return command;
    }

    /// <summary>Embeds in batches of similar length (longest first, as sentence-transformers does, so padding is small),
    /// returning the vectors in input order; a progress bar shows when there is more than one batch.</summary>
    internal static float[][] Embed(BertModel model, IReadOnlyList<string> texts, BertPooling pooling, int batchSize, CancellationToken ct)
    {
        int[] order = [.. Enumerable.Range(0, texts.Count).OrderByDescending(i => texts[i].Length)];
        var vectors = new float[texts.Count][];
        var bar = ProgressBar.Enabled && texts.Count > batchSize ? new ProgressBar() : null;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            ct.ThrowIfCancellationRequested();
            int[] chunk = order[start..Math.Min(order.Length, start + batchSize)];
            var result = model.Encode(chunk.Select(i => texts[i]).ToArray(), pooling);
            for (int j = 0; j < chunk.Length; j++) vectors[chunk[j]] = result[j];
            bar?.Report((start + chunk.Length, texts.Count, $"{start + chunk.Length}/{texts.Count} texts"));
        }
        ProgressBar.Clear();
        return vectors;
    }

    internal static void Normalize(float[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        if (norm > 0) for (int i = 0; i < v.Length; i++) v[i] = (float)(v[i] / norm);
    }
}
