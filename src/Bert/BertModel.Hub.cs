using Bert.Hub;

namespace Bert;

public sealed partial class BertModel
{
    /// <summary>
    /// Loads a local folder or, as <c>from_pretrained</c> does, a Hugging Face hub model id through the shared cache
    /// (see <see cref="BertHub"/>): a path that exists is a folder; otherwise a value shaped like <c>org/name</c> is a hub id.
    /// </summary>
    /// <param name="folderOrModelId">A checkpoint folder, or a hub id such as <c>sentence-transformers/all-MiniLM-L6-v2</c>.</param>
    /// <param name="revision">Branch, tag or commit of a hub id; null means <c>main</c>. Ignored for a folder.</param>
    /// <param name="hub">Endpoint, token, cache and offline mode; null reads the environment (<c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_HOME</c>, <c>HF_HUB_OFFLINE</c>).</param>
    /// <param name="progress">Download progress per file, or null.</param>
    /// <param name="options">Load options (e.g. the weight type); null means the defaults.</param>
    /// <returns>The model; dispose it to unmap the weights.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folderOrModelId"/> is null.</exception>
    /// <exception cref="HubException">Resolving the hub id failed (see <see cref="BertHub.DownloadAsync"/>).</exception>
    /// <exception cref="BertFormatException">The folder, config or weights are missing or malformed.</exception>
    /// <exception cref="IOException">The hub cache cannot be written or is damaged (see <see cref="BertHub.DownloadAsync"/>).</exception>
    public static BertModel Load(string folderOrModelId, string? revision, HubOptions? hub = null, IProgress<HubProgress>? progress = null,
        BertLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folderOrModelId);
        return Load(ResolveModelPath(folderOrModelId, revision, hub, progress), options ?? new BertLoadOptions());
    }

    /// <summary>
    /// Asynchronous <see cref="Load(string, string?, HubOptions?, IProgress{HubProgress}?, BertLoadOptions?)"/>: downloads without blocking,
    /// then opens the folder (opening maps the weights and reads no tensor data, so it is quick).
    /// </summary>
    /// <param name="folderOrModelId">A checkpoint folder or a hub id.</param>
    /// <param name="revision">Branch, tag or commit of a hub id; null means <c>main</c>.</param>
    /// <param name="hub">Hub options; null reads the environment.</param>
    /// <param name="progress">Download progress per file, or null.</param>
    /// <param name="options">Load options; null means the defaults.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The model; dispose it to unmap the weights.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="folderOrModelId"/> is null.</exception>
    /// <exception cref="HubException">Resolving the hub id failed.</exception>
    /// <exception cref="BertFormatException">The folder, config or weights are missing or malformed.</exception>
    /// <exception cref="IOException">The hub cache cannot be written or is damaged (see <see cref="BertHub.DownloadAsync"/>).</exception>
    public static async Task<BertModel> LoadAsync(string folderOrModelId, string? revision = null, HubOptions? hub = null,
        IProgress<HubProgress>? progress = null, BertLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folderOrModelId);
        string folder = IsHubId(folderOrModelId)
            ? await BertHub.DownloadAsync(folderOrModelId, revision, hub, progress, cancellationToken).ConfigureAwait(false)
            : folderOrModelId;
        return Load(folder, options ?? new BertLoadOptions());
    }

    /// <summary>The folder to open for <paramref name="folderOrModelId"/>: itself when it exists or is not shaped like a
    /// hub id, else the hub snapshot (downloaded as needed).</summary>
    internal static string ResolveModelPath(string folderOrModelId, string? revision = null, HubOptions? hub = null,
        IProgress<HubProgress>? progress = null)
    {
        if (!IsHubId(folderOrModelId)) return folderOrModelId;
        try
        {
            return BertHub.Download(folderOrModelId, revision, hub, progress);
        }
        catch (HubException e) when (e.Kind == HubErrorKind.RepositoryNotFound)
        {
            throw new HubException(e.Kind, $"There is no folder '{folderOrModelId}' here, and as a hub id: {e.Message}", e.StatusCode, e);
        }
    }

    // A path that exists is always a folder; "org/name" (not rooted, no backslash) that does not exist is a hub id.
    private static bool IsHubId(string value) =>
        !Directory.Exists(value) && !File.Exists(value) && !Path.IsPathRooted(value) && !value.Contains('\\') && BertHub.IsModelId(value);
}
