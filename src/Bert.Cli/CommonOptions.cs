using System.CommandLine;

namespace Bert.Cli;

/// <summary>Options shared by the commands.</summary>
internal static class CommonOptions
{
    /// <summary>Machine-readable output (JSON, or JSON lines for one record per input); available on every command.</summary>
    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON (one object per line for per-input results) instead of text.", Recursive = true };

    /// <summary>Full exception details on error.</summary>
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "On error, print the full exception with its stack trace.", Recursive = true };

    /// <summary>A checkpoint folder or a hub id.</summary>
    public static Option<string> Model() => new("--model", "-m")
    {
        Description = "A Hugging Face checkpoint folder, or a hub model id such as sentence-transformers/all-MiniLM-L6-v2 "
            + "(downloaded into the huggingface_hub cache; HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_OFFLINE apply).",
        Required = true,
    };

    /// <summary>Branch, tag or commit of a hub id.</summary>
    public static Option<string?> Revision() => new("--revision") { Description = "Branch, tag or commit of a hub model id (default main)." };
}
