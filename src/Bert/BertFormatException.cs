namespace Bert;

/// <summary>
/// A model or tokenizer file is missing, malformed or inconsistent. The message names the file and the field.
/// </summary>
public sealed class BertFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="file"/> (may be null when there is no file) and <paramref name="field"/>.</summary>
    /// <param name="file">Path or name of the offending file.</param>
    /// <param name="field">The key, tensor or record that was wrong (may be null).</param>
    /// <param name="problem">What was wrong, in a sentence.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public BertFormatException(string? file, string? field, string problem, Exception? inner = null)
        : base(Compose(file, field, problem), inner)
    {
        File = file;
        Field = field;
    }

    /// <summary>The offending file, or null.</summary>
    public string? File { get; }

    /// <summary>The offending key, tensor or record, or null.</summary>
    public string? Field { get; }

    private static string Compose(string? file, string? field, string problem)
    {
        var where = (file, field) switch
        {
            (null, null) => "",
            (not null, null) => $"{file}: ",
            (null, not null) => $"'{field}': ",
            _ => $"{file}: '{field}': ",
        };
        return where + problem;
    }
}
