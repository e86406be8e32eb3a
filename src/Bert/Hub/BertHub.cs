namespace Bert.Hub;

/// <summary>
/// Resolves a Hugging Face hub model id to a local BERT folder through the cache huggingface_hub uses, downloading
/// only the files a BERT folder needs — the counterpart of <c>snapshot_download</c> restricted to those files.
/// </summary>
/// <remarks>
/// <para>Online, one request lists the revision (<c>/api/models/{id}/revision/{rev}</c>), pinning the commit; then each
/// needed file that is not yet in <c>snapshots/{commit}/</c> gets a HEAD (for its ETag and size) and a resumable GET into
/// <c>blobs/</c>. Taken when present: <c>config.json</c> (required), <c>model.safetensors</c> or
/// <c>model.safetensors.index.json</c> and every shard it names (required), <c>vocab.txt</c>, <c>tokenizer.json</c>,
/// <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c>, <c>modules.json</c> and, for each module it names, the
/// module's <c>config.json</c> (and a Dense module's <c>model.safetensors</c>), <c>sentence_bert_config.json</c>,
/// <c>config_sentence_transformers.json</c>.</para>
/// <para>Offline (<see cref="HubOptions.Offline"/>), or when the hub cannot be reached, the revision is resolved from the
/// cache alone (<c>refs/{revision}</c>, or the commit itself) and the snapshot is used if it holds a config and weights.</para>
/// </remarks>
/// <example><code>
/// string folder = await BertHub.DownloadAsync("sentence-transformers/all-MiniLM-L6-v2");
/// using var model = BertModel.Load(folder);
/// </code></example>
public static class BertHub
{
    /// <summary>The revision used when none is given, as on the hub.</summary>
    public const string DefaultRevision = "main";

    /// <summary>True when <paramref name="value"/> has the shape of a hub model id (<c>org/name</c> or a bare name).</summary>
    /// <param name="value">The candidate id.</param>
    /// <returns>Whether the hub could accept it as a repository id (it may still not exist).</returns>
    public static bool IsModelId(string? value) => HubRepoId.IsValid(value);

    /// <summary>Resolves <paramref name="repoId"/> at <paramref name="revision"/> to a local snapshot folder, downloading what is missing.</summary>
    /// <param name="repoId">The model id, e.g. <c>sentence-transformers/all-MiniLM-L6-v2</c>.</param>
    /// <param name="revision">Branch, tag or commit hash; null means <see cref="DefaultRevision"/>.</param>
    /// <param name="options">Endpoint, token, cache and offline mode; null reads the environment (<see cref="HubOptions.FromEnvironment()"/>).</param>
    /// <param name="progress">Receives per-file progress (also for files already cached); may be null.</param>
    /// <param name="cancellationToken">Cancels the download; a partial file stays as <c>.incomplete</c> and is resumed next time.</param>
    /// <returns>The snapshot folder, <c>{cache}/models--org--name/snapshots/{commit}</c>, ready for <see cref="BertModel.Load(string)"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="repoId"/> or <paramref name="revision"/> is malformed.</exception>
    /// <exception cref="HubException">
    /// The repository, revision or a file does not exist; access is refused (gated or private: set <c>HF_TOKEN</c>);
    /// the hub cannot be reached and the model is not cached; offline and not cached; a file fails verification; or the
    /// repository has no safetensors weights (the message says how to convert <c>pytorch_model.bin</c>).
    /// </exception>
    /// <exception cref="BertFormatException">A downloaded <c>model.safetensors.index.json</c> or <c>modules.json</c> is malformed.</exception>
    /// <exception cref="IOException">The cache cannot be written, or is damaged so that a folder stands where a file belongs (the message names it).</exception>
    public static async Task<string> DownloadAsync(string repoId, string? revision = null, HubOptions? options = null,
        IProgress<HubProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repoId);
        HubRepoId.Validate(repoId, nameof(repoId));
        revision ??= DefaultRevision;
        HubRepoId.ValidateRevision(revision, nameof(revision));
        options ??= HubOptions.FromEnvironment();
        var cache = new HubCache(options.CacheDirectory, repoId);
        if (options.Offline)
            return FromCache(cache, repoId, revision) ?? throw new HubException(HubErrorKind.NotCached,
                $"'{repoId}' (revision {revision}) is not in the cache {options.CacheDirectory} and HF_HUB_OFFLINE is set: download it once online.");

        var http = new HubHttp(options);
        HubListing listing;
        try
        {
            listing = await http.ListAsync(repoId, revision, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException e) when (e.Kind == HubErrorKind.Network)
        {
            // As huggingface_hub: an unreachable hub falls back to what the cache already has.
            string? cached = FromCache(cache, repoId, revision);
            if (cached is null) throw;
            return cached;
        }
        cache.WriteRef(revision, listing.Commit);
        var run = new DownloadRun(http, cache, repoId, listing, progress, cancellationToken);
        await run.FetchAsync(HubFiles.Select(repoId, revision, listing.Siblings)).ConfigureAwait(false);
        await run.FetchAsync(SecondStage(cache.SnapshotFolder(listing.Commit), repoId, revision, listing.Siblings)).ConfigureAwait(false);
        return cache.SnapshotFolder(listing.Commit);
    }

    /// <summary>Synchronous <see cref="DownloadAsync"/> for callers without async (e.g. <see cref="BertModel.Load(string)"/>).</summary>
    /// <param name="repoId">The model id.</param>
    /// <param name="revision">Branch, tag or commit hash; null means <see cref="DefaultRevision"/>.</param>
    /// <param name="options">Null reads the environment.</param>
    /// <param name="progress">Per-file progress, or null.</param>
    /// <returns>The snapshot folder.</returns>
    /// <exception cref="ArgumentException">See <see cref="DownloadAsync"/>.</exception>
    /// <exception cref="HubException">See <see cref="DownloadAsync"/>.</exception>
    /// <exception cref="BertFormatException">See <see cref="DownloadAsync"/>.</exception>
    /// <exception cref="IOException">See <see cref="DownloadAsync"/>.</exception>
    public static string Download(string repoId, string? revision = null, HubOptions? options = null, IProgress<HubProgress>? progress = null) =>
        Task.Run(() => DownloadAsync(repoId, revision, options, progress)).GetAwaiter().GetResult();

    // Files known only once the first stage is on disk: the shards an index names and the modules modules.json names.
    private static List<string> SecondStage(string snapshot, string repoId, string revision, IReadOnlySet<string> siblings)
    {
        var files = new List<string>();
        string index = Path.Combine(snapshot, HubFiles.WeightsIndex);
        if (!HubCache.IsReadableFile(Path.Combine(snapshot, HubFiles.Weights)) && HubCache.IsReadableFile(index))
            foreach (string shard in HubFiles.ShardsOf(index))
                files.Add(siblings.Contains(shard) ? shard : throw new HubException(HubErrorKind.EntryNotFound,
                    $"'{repoId}' (revision {revision}): {HubFiles.WeightsIndex} names the shard '{shard}', which the repository does not have."));
        string modules = Path.Combine(snapshot, HubFiles.Modules);
        if (HubCache.IsReadableFile(modules)) files.AddRange(HubFiles.ModuleFiles(modules, siblings));
        return files;
    }

    private static string? FromCache(HubCache cache, string repoId, string revision) =>
        cache.CachedCommit(revision) is { } commit && cache.IsCompleteSnapshot(commit) ? cache.SnapshotFolder(commit) : null;

    /// <summary>One resolve: files already in the snapshot are taken as they are (the commit is pinned), the rest downloaded.</summary>
    private sealed class DownloadRun(HubHttp http, HubCache cache, string repoId, HubListing listing,
        IProgress<HubProgress>? progress, CancellationToken ct)
    {
        private int _index;

        public async Task FetchAsync(IReadOnlyList<string> files)
        {
            int count = _index + files.Count;
            foreach (string file in files)
            {
                int index = _index++;
                string pointer = cache.PointerPath(listing.Commit, file);
                if (HubCache.IsReadableFile(pointer))   // a dangling or looping link is fetched again, as huggingface_hub does
                {
                    long length = new FileInfo(pointer).Length;
                    progress?.Report(new HubProgress(file, length, length, index, count));
                    continue;
                }
                var meta = await http.HeadAsync(repoId, listing.Commit, file, ct).ConfigureAwait(false);
                await BlobDownload.FetchAsync(http, cache, meta, repoId, file,
                    bytes => progress?.Report(new HubProgress(file, bytes, meta.Size, index, count)), ct).ConfigureAwait(false);
            }
        }
    }
}
