using System.Text.RegularExpressions;

namespace Bert.Hub;

/// <summary>Hub repository ids (<c>org/name</c> or a legacy bare <c>name</c>) as the hub validates them.</summary>
internal static partial class HubRepoId
{
    // huggingface_hub's validate_repo_id: [\w.-] segments, at most one '/', no "--" or "..", not starting or ending
    // with '-' or '.', at most 96 characters.
    [GeneratedRegex(@"^([A-Za-z0-9_.\-]+/)?[A-Za-z0-9_.\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <summary>True when <paramref name="id"/> is a syntactically valid repository id.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= 96 } && Shape().IsMatch(id) && !id.Contains("--", StringComparison.Ordinal)
        && !id.Contains("..", StringComparison.Ordinal)
        && id.Split('/').All(part => part[0] is not ('-' or '.') && part[^1] is not ('-' or '.'));

    /// <summary>Throws unless <paramref name="id"/> is valid.</summary>
    public static void Validate(string id, string paramName)
    {
        if (!IsValid(id))
            throw new ArgumentException($"'{id}' is not a hub model id (expected 'org/name': letters, digits, '-', '_', '.'; at most 96 characters).", paramName);
    }

    /// <summary>The cache folder name: <c>models--org--name</c>.</summary>
    public static string CacheFolderName(string id) => "models--" + id.Replace("/", "--", StringComparison.Ordinal);

    /// <summary>True for a full 40-hex-digit commit hash.</summary>
    public static bool IsCommitHash(string revision) =>
        revision.Length == 40 && revision.All(char.IsAsciiHexDigitLower);

    /// <summary>A revision must be usable as a path below <c>refs/</c> (branches may contain '/', e.g. <c>refs/pr/1</c>).</summary>
    public static void ValidateRevision(string revision, string paramName)
    {
        if (revision.Length is 0 or > 256 || revision.Split('/').Any(p => p is "" or "." or "..")
            || revision.Any(c => char.IsControl(c) || c is '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|'))
            throw new ArgumentException($"'{revision}' is not a valid revision (a branch, tag or commit hash).", paramName);
    }
}
