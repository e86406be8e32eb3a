using System.CommandLine;

namespace Bert.Cli;

/// <summary>Texts for the per-text commands: from arguments, from <c>--input</c> (one per line, <c>-</c> = stdin), or
/// from stdin when it is redirected and nothing else was given.</summary>
internal static class TextInput
{
    private const long MaxInputBytes = 1L << 30;

    public static Argument<string[]> Texts(string description = "Texts to process (or use --input, or pipe lines on stdin).") =>
        new("texts") { Description = description, Arity = ArgumentArity.ZeroOrMore };

    public static Option<string?> File() => new("--input", "-i") { Description = "Read texts from this file, one per line ('-' for stdin); empty lines are skipped." };

    /// <summary>The texts, in order.</summary>
    /// <exception cref="UsageException">No texts from any source.</exception>
    public static IReadOnlyList<string> Read(ParseResult parse, Argument<string[]> texts, Option<string?> file)
    {
        var fromArgs = parse.GetValue(texts) ?? [];
        string? path = parse.GetValue(file);
        if (fromArgs.Length > 0 && path is not null) throw new UsageException("Give texts as arguments or with --input, not both.");
        if (fromArgs.Length > 0) return fromArgs;
        if (path is null && !Console.IsInputRedirected) throw new UsageException("No input: give texts as arguments, --input <file>, or pipe lines on stdin.");
        var lines = path is null or "-" ? ReadLines(Console.In) : ReadFile(path);
        return lines.Count > 0 ? lines : throw new ArgumentException($"No non-empty lines in {(path is null or "-" ? "stdin" : path)}.");
    }

    private static List<string> ReadFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new ArgumentException($"--input: file '{path}' does not exist.");
        if (info.Length > MaxInputBytes) throw new ArgumentException($"--input: '{path}' is larger than {MaxInputBytes >> 30} GiB; split it.");
        using var reader = new StreamReader(path);
        return ReadLines(reader);
    }

    private static List<string> ReadLines(TextReader reader)
    {
        var lines = new List<string>();
        long chars = 0;
        while (reader.ReadLine() is { } line)
        {
            chars += line.Length;
            if (chars > MaxInputBytes) throw new ArgumentException($"The input is longer than {MaxInputBytes >> 30} Gi characters; split it.");
            if (line.Length > 0) lines.Add(line);
        }
        return lines;
    }
}
