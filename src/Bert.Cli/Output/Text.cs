namespace Bert.Cli.Output;

/// <summary>Small text helpers for human-readable output.</summary>
internal static class Text
{
    /// <summary>The text quoted, cut to <paramref name="max"/> characters with an ellipsis, line breaks shown as spaces.</summary>
    public static string Clip(string text, int max)
    {
        string flat = text.ReplaceLineEndings(" ");
        return "\"" + (flat.Length <= max ? flat : flat[..(max - 1)] + "…") + "\"";
    }
}
