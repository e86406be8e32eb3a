namespace Bert.Server;

/// <summary>The playground page (Playground/index.html), embedded in the assembly: static HTML and JavaScript, no build step.</summary>
internal static class PlaygroundPage
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(PlaygroundPage).Assembly.GetManifestResourceStream("Bert.Server.Playground.index.html")
            ?? throw new InvalidOperationException("The playground resource is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The page.</summary>
    public static string Html => Page.Value;
}
