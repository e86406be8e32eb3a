namespace Bert.Hub;

/// <summary>
/// Where and how <see cref="BertHub"/> reaches the Hugging Face hub and its local cache. <see cref="FromEnvironment()"/>
/// reads the same environment variables as Python's <c>huggingface_hub</c>, so both share one cache and one login.
/// </summary>
public sealed record HubOptions
{
    /// <summary>The default endpoint, <c>https://huggingface.co</c> (what <c>HF_ENDPOINT</c> overrides).</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Base URL of the hub, without a trailing slash. Default <see cref="DefaultEndpoint"/>.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>Access token sent as <c>Authorization: Bearer</c> to <see cref="Endpoint"/> only (never to the redirect
    /// targets that serve large files); null sends none. Needed for gated and private repositories.</summary>
    public string? Token { get; init; }

    /// <summary>The cache folder holding <c>models--org--name</c> folders (huggingface_hub's <c>HF_HUB_CACHE</c>).
    /// Default <c>~/.cache/huggingface/hub</c>.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory(null, null);

    /// <summary>Resolve from the cache only, never touching the network (huggingface_hub's <c>HF_HUB_OFFLINE</c>). Default false.</summary>
    public bool Offline { get; init; }

    /// <summary>The HTTP client to use; it must not follow redirects itself (<see cref="BertHub"/> follows them so it can
    /// read the hub's headers on the redirect and drop the token when the host changes). Null (the default) uses a shared one.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>How long to wait for a response's headers, or for the next bytes of a body, before giving up. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Options from the environment, as huggingface_hub reads it: <c>HF_ENDPOINT</c>; <c>HF_TOKEN</c> (else the legacy
    /// <c>HUGGING_FACE_HUB_TOKEN</c>, else the token file <c>HF_TOKEN_PATH</c>, default <c>$HF_HOME/token</c>, written by
    /// <c>huggingface-cli login</c>); the cache <c>HF_HUB_CACHE</c> (else <c>HUGGINGFACE_HUB_CACHE</c>, else
    /// <c>$HF_HOME/hub</c>; <c>HF_HOME</c> defaults to <c>$XDG_CACHE_HOME/huggingface</c>, then <c>~/.cache/huggingface</c>);
    /// <c>HF_HUB_OFFLINE</c> = 1/ON/YES/TRUE (any case).
    /// </summary>
    /// <returns>The options; unset variables leave the defaults.</returns>
    public static HubOptions FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>Same as <see cref="FromEnvironment()"/> over a caller-supplied variable lookup (for tests and hosts).</summary>
    /// <param name="getVariable">Returns a variable's value or null.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="getVariable"/> is null.</exception>
    public static HubOptions FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        string? Get(string name) => getVariable(name) is { Length: > 0 } v ? v : null;
        string home = ExpandHome(Get("HF_HOME")) ?? Path.Combine(ExpandHome(Get("XDG_CACHE_HOME")) ?? DefaultXdgCache(), "huggingface");
        string cache = ExpandHome(Get("HF_HUB_CACHE") ?? Get("HUGGINGFACE_HUB_CACHE")) ?? Path.Combine(home, "hub");
        string tokenPath = ExpandHome(Get("HF_TOKEN_PATH")) ?? Path.Combine(home, "token");
        string? token = Get("HF_TOKEN") ?? Get("HUGGING_FACE_HUB_TOKEN") ?? ReadTokenFile(tokenPath);
        return new HubOptions
        {
            Endpoint = (Get("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/'),
            Token = token?.Trim() is { Length: > 0 } t ? t : null,
            CacheDirectory = cache,
            Offline = IsTrue(Get("HF_HUB_OFFLINE")),
        };
    }

    private static string DefaultCacheDirectory(string? home, string? xdg) =>
        Path.Combine(home ?? Path.Combine(xdg ?? DefaultXdgCache(), "huggingface"), "hub");

    private static string DefaultXdgCache() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");

    private static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    private static string? ExpandHome(string? path) =>
        path is not null && (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;

    // The token file holds the token on its first line; a missing or unreadable file means "no token".
    private static string? ReadTokenFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > 64 * 1024) return null;
            return File.ReadLines(path).FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
