using System.Globalization;
using System.Text.Json;

namespace Bert.Cli.Output;

/// <summary>Writes embedding vectors in the chosen <see cref="VectorFormat"/>.</summary>
internal static class VectorWriter
{
    /// <summary>The format from --format, else from --json, else from the output file's extension, else human.</summary>
    public static VectorFormat Choose(string? format, bool json, string? output)
    {
        if (format is not null)
            return Enum.TryParse<VectorFormat>(format, ignoreCase: true, out var f) && Enum.IsDefined(f) && !int.TryParse(format, out _)
                ? f : throw new UsageException($"--format must be one of human, jsonl, tsv, npy (got '{format}').");
        if (json) return VectorFormat.Jsonl;
        return Path.GetExtension(output ?? "").ToLowerInvariant() switch
        {
            ".npy" => VectorFormat.Npy,
            ".tsv" => VectorFormat.Tsv,
            ".jsonl" or ".json" => VectorFormat.Jsonl,
            _ => VectorFormat.Human,
        };
    }

    public static void Write(VectorFormat format, IReadOnlyList<string> texts, IReadOnlyList<float[]> vectors, string? output)
    {
        if (format == VectorFormat.Npy)
        {
            if (output is null or "-") throw new UsageException("--format npy writes a binary file: give --output <file.npy>.");
            using var file = File.Create(output);
            NpyWriter.Write(file, vectors, vectors[0].Length);
            return;
        }
        using var writer = output is null or "-" ? new StreamWriter(Console.OpenStandardOutput()) : new StreamWriter(output);
        for (int i = 0; i < vectors.Count; i++)
            writer.WriteLine(format switch
            {
                VectorFormat.Jsonl => JsonSerializer.Serialize(new { index = i, text = texts[i], embedding = vectors[i] }),
                VectorFormat.Tsv => string.Join('\t', vectors[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
                _ => Human(i, texts[i], vectors[i]),
            });
    }

    private static string Human(int index, string text, float[] v)
    {
        string head = string.Join(", ", v.Take(4).Select(x => x.ToString("F4", CultureInfo.InvariantCulture)));
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return $"{index}: {Text.Clip(text, 40)}  [{head}{(v.Length > 4 ? ", …" : "")}]  dim {v.Length}, norm {norm.ToString("F4", CultureInfo.InvariantCulture)}";
    }
}
