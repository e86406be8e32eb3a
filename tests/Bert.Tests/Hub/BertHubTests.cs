using Bert.Hub;

namespace Bert.Tests.Hub;

/// <summary>Downloads from <see cref="FakeHub"/> on 127.0.0.1 into a scratch cache; expected layouts and behaviours are
/// huggingface_hub's (file_download.py), written out by hand here.</summary>
public sealed class BertHubTests : IDisposable
{
    private const string Repo = "test-org/tiny-bert";
    private readonly HubTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Download_lays_out_the_cache_as_huggingface_hub()
    {
        using var hub = new FakeHub(Repo, _folder.Source);
        string snapshot = await BertHub.DownloadAsync(Repo, options: _folder.Options(hub));

        string repoFolder = Path.Combine(_folder.Cache, "models--test-org--tiny-bert");
        Assert.Equal(Path.Combine(repoFolder, "snapshots", hub.Commit), snapshot);
        Assert.Equal(hub.Commit, File.ReadAllText(Path.Combine(repoFolder, "refs", "main")));
        // LFS file: the blob is named by its sha256 and the snapshot entry is a relative link to it.
        string sha = FakeHub.Sha256(hub.FileBytes("model.safetensors"));
        Assert.True(File.Exists(Path.Combine(repoFolder, "blobs", sha)));
        Assert.Equal(Path.Combine("..", "..", "blobs", sha), new FileInfo(Path.Combine(snapshot, "model.safetensors")).LinkTarget);
        Assert.Equal(Path.Combine("..", "..", "..", "blobs"), Path.GetDirectoryName(new FileInfo(Path.Combine(snapshot, "1_Pooling", "config.json")).LinkTarget));
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "tokenizer_config.json",
                     "special_tokens_map.json", "modules.json", "1_Pooling/config.json" })
            Assert.Equal(hub.FileBytes(file), File.ReadAllBytes(Path.Combine(snapshot, file)));
        Assert.False(File.Exists(Path.Combine(snapshot, "README.md")));   // only what a BERT folder needs
        Assert.Empty(Directory.GetFiles(repoFolder, "*.incomplete", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Downloaded_folder_loads_and_gives_the_source_folders_embedding()
    {
        using var hub = new FakeHub(Repo, _folder.Source);
        using var fromHub = await BertModel.LoadAsync(Repo, hub: _folder.Options(hub));
        using var local = BertModel.Load(_folder.Source);
        // Same bytes on disk, same code: bit-identical (tolerance 0).
        Assert.Equal(local.Encode("hello world"), fromHub.Encode("hello world"));
    }

    [Fact]
    public async Task Second_resolve_reuses_the_cache_online_with_one_request_and_offline_with_none()
    {
        string first;
        using (var hub = new FakeHub(Repo, _folder.Source))
        {
            first = await BertHub.DownloadAsync(Repo, options: _folder.Options(hub));
            while (hub.Log.TryDequeue(out _)) { }
            Assert.Equal(first, await BertHub.DownloadAsync(Repo, options: _folder.Options(hub)));
            Assert.Equal([$"GET /api/models/{Repo}/revision/main"], hub.Log.ToArray());
            Assert.Equal(first, await BertHub.DownloadAsync(Repo, options: _folder.Options(hub, offline: true)));
            Assert.Single(hub.Log);
        }
        // Hub gone: the network error falls back to the cached snapshot, as huggingface_hub does.
        using var gone = new FakeHub(Repo, _folder.Source);
        var options = _folder.Options(gone) with { Endpoint = ClosedPortEndpoint() };
        Assert.Equal(first, await BertHub.DownloadAsync(Repo, options: options));
    }

    [Fact]
    public async Task A_cache_written_by_hand_in_huggingface_hub_layout_is_used_offline()
    {
        // The layout as huggingface_hub documents it, made without our writer: blobs by etag, relative links, refs/main.
        string commit = new('a', 40), repo = Path.Combine(_folder.Cache, "models--test-org--tiny-bert");
        string snapshot = Path.Combine(repo, "snapshots", commit);
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(repo, "blobs"));
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), commit);
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt" })
        {
            string etag = FakeHub.Sha256(File.ReadAllBytes(Path.Combine(_folder.Source, file)));
            File.Copy(Path.Combine(_folder.Source, file), Path.Combine(repo, "blobs", etag));
            File.CreateSymbolicLink(Path.Combine(snapshot, file), Path.Combine("..", "..", "blobs", etag));
        }
        var options = new HubOptions { CacheDirectory = _folder.Cache, Offline = true };
        Assert.Equal(snapshot, await BertHub.DownloadAsync(Repo, options: options));
        Assert.Equal(snapshot, await BertHub.DownloadAsync(Repo, commit, options));
        using var model = BertModel.Load(Repo, null, options);
        using var local = BertModel.Load(_folder.Source);
        Assert.Equal(local.Encode("hi"), model.Encode("hi"));   // same bytes: bit-identical
    }

    [Fact]
    public async Task Sharded_weights_download_the_index_and_every_shard()
    {
        using var sharded = new HubTestFolder(shards: 2);
        using var hub = new FakeHub(Repo, sharded.Source);
        string snapshot = await BertHub.DownloadAsync(Repo, options: sharded.Options(hub));
        Assert.True(File.Exists(Path.Combine(snapshot, "model.safetensors.index.json")));
        Assert.Equal(2, Directory.GetFiles(snapshot, "model-0000*-of-00002.safetensors").Length);
        using var model = BertModel.Load(snapshot);
        using var local = BertModel.Load(sharded.Source);
        Assert.Equal(local.Encode("x"), model.Encode("x"));
    }

    [Fact]
    public async Task A_transfer_cut_off_midway_resumes_with_a_range_request()
    {
        using var hub = new FakeHub(Repo, _folder.Source);
        hub.AbortFirstTransfer.Add("model.safetensors");
        string snapshot = await BertHub.DownloadAsync(Repo, options: _folder.Options(hub));

        int size = hub.FileBytes("model.safetensors").Length;
        var gets = hub.Log.Where(l => l.StartsWith("GET /cdn/model.safetensors", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, gets.Length);
        Assert.DoesNotContain("bytes=", gets[0]);
        Assert.EndsWith($"bytes={size / 2}-", gets[1]);   // the fake hub cut the first body at half
        Assert.Equal(hub.FileBytes("model.safetensors"), File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }

    [Fact]
    public async Task A_partial_file_left_by_a_killed_process_is_resumed()
    {
        using var hub = new FakeHub(Repo, _folder.Source);
        byte[] bytes = hub.FileBytes("model.safetensors");
        string blobs = Path.Combine(_folder.Cache, "models--test-org--tiny-bert", "blobs");
        Directory.CreateDirectory(blobs);
        File.WriteAllBytes(Path.Combine(blobs, FakeHub.Sha256(bytes) + ".incomplete"), bytes[..1000]);

        string snapshot = await BertHub.DownloadAsync(Repo, options: _folder.Options(hub));
        Assert.Contains(hub.Log, l => l == "GET /cdn/model.safetensors bytes=1000-");
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
    }

    [Fact]
    public async Task A_corrupted_blob_is_refused_and_leaves_nothing_that_looks_complete()
    {
        using var hub = new FakeHub(Repo, _folder.Source);
        hub.Corrupt.Add("model.safetensors");
        var e = await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync(Repo, options: _folder.Options(hub)));
        Assert.Equal(HubErrorKind.Integrity, e.Kind);
        Assert.Contains("sha256", e.Message);
        string repo = Path.Combine(_folder.Cache, "models--test-org--tiny-bert");
        Assert.False(File.Exists(Path.Combine(repo, "blobs", FakeHub.Sha256(hub.FileBytes("model.safetensors")))));
        Assert.Empty(Directory.GetFiles(repo, "*.incomplete", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(repo, "snapshots", hub.Commit, "model.safetensors")));
        // ...and offline resolution does not mistake the half-filled snapshot for a model.
        var offline = await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync(Repo, options: _folder.Options(hub, offline: true)));
        Assert.Equal(HubErrorKind.NotCached, offline.Kind);
    }

    [Fact]
    public async Task Gated_repository_says_to_set_HF_TOKEN_and_works_with_the_token()
    {
        using var hub = new FakeHub(Repo, _folder.Source) { Gated = true, RequiredToken = "hf_secret" };
        var e = await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync(Repo, options: _folder.Options(hub)));
        Assert.Equal(HubErrorKind.Unauthorized, e.Kind);
        Assert.Equal(401, e.StatusCode);
        Assert.Contains("gated", e.Message);
        Assert.Contains("HF_TOKEN", e.Message);

        while (hub.Log.TryDequeue(out _)) { }
        string snapshot = await BertHub.DownloadAsync(Repo, options: _folder.Options(hub, token: "hf_secret"));
        Assert.True(File.Exists(Path.Combine(snapshot, "model.safetensors")));
        Assert.All(hub.Log.Where(l => l.Contains("/resolve/")), l => Assert.EndsWith(" auth", l));
    }

    [Fact]
    public async Task Private_or_missing_repository_revision_and_file_are_named()
    {
        using var hub = new FakeHub(Repo, _folder.Source);
        var repo = await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync("test-org/no-such-model", options: _folder.Options(hub)));
        Assert.Equal(HubErrorKind.RepositoryNotFound, repo.Kind);
        Assert.Contains("test-org/no-such-model", repo.Message);
        Assert.Contains("HF_TOKEN", repo.Message);

        var revision = await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync(Repo, "v9", _folder.Options(hub)));
        Assert.Equal(HubErrorKind.RevisionNotFound, revision.Kind);
        Assert.Equal(404, revision.StatusCode);
        Assert.Contains("'v9'", revision.Message);

        File.Delete(Path.Combine(_folder.Source, "config.json"));
        using var noConfig = new FakeHub(Repo, _folder.Source);
        var entry = await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync(Repo, options: _folder.Options(noConfig)));
        Assert.Equal(HubErrorKind.EntryNotFound, entry.Kind);
        Assert.Contains("config.json", entry.Message);
    }

    [Fact]
    public async Task Repository_with_only_pytorch_model_bin_says_how_to_convert()
    {
        using var folder = new HubTestFolder(pytorchOnly: true);
        using var hub = new FakeHub(Repo, folder.Source);
        var e = await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync(Repo, options: folder.Options(hub)));
        Assert.Equal(HubErrorKind.UnsupportedFormat, e.Kind);
        Assert.Contains("pytorch_model.bin", e.Message);
        Assert.Contains("safe_serialization=True", e.Message);
        Assert.DoesNotContain(hub.Log, l => l.StartsWith("HEAD", StringComparison.Ordinal));   // refused before downloading anything
    }

    [Fact]
    public async Task Offline_without_a_cached_copy_and_unreachable_hub_are_clear_errors()
    {
        var offline = await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync(Repo,
            options: new HubOptions { CacheDirectory = _folder.Cache, Offline = true }));
        Assert.Equal(HubErrorKind.NotCached, offline.Kind);
        Assert.Contains("HF_HUB_OFFLINE", offline.Message);

        var unreachable = await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync(Repo,
            options: new HubOptions { CacheDirectory = _folder.Cache, Endpoint = ClosedPortEndpoint() }));
        Assert.Equal(HubErrorKind.Network, unreachable.Kind);
        Assert.Contains("Cannot reach", unreachable.Message);
    }

    [Fact]
    public async Task Renamed_repository_follows_the_relative_redirect()
    {
        using var hub = new FakeHub(Repo, _folder.Source) { RenamedFrom = "old-org/tiny-bert" };
        // The listing lives under the new name; files requested under the old name are redirected with a relative 307.
        var http = new HubHttp(_folder.Options(hub));
        var meta = await http.HeadAsync("old-org/tiny-bert", hub.Commit, "config.json", CancellationToken.None);
        Assert.Equal(hub.Commit, meta.Commit);
        Assert.Equal(hub.FileBytes("config.json").Length, meta.Size);
        Assert.Contains(hub.Log, l => l.StartsWith("HEAD /old-org/tiny-bert/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Progress_reports_every_file_ending_at_its_size()
    {
        using var hub = new FakeHub(Repo, _folder.Source);
        var reports = new List<HubProgress>();
        await BertHub.DownloadAsync(Repo, options: _folder.Options(hub), progress: new SyncProgress<HubProgress>(reports.Add));
        var last = reports.GroupBy(r => r.File).ToDictionary(g => g.Key, g => g.Last());
        Assert.Equal(8, last.Count);
        Assert.All(last.Values, r => Assert.Equal(r.TotalBytes, r.BytesDone));
        Assert.Equal(hub.FileBytes("model.safetensors").Length, last["model.safetensors"].TotalBytes);
    }

    [Fact]
    public async Task Module_paths_that_would_leave_the_snapshot_are_ignored()
    {
        File.WriteAllText(Path.Combine(_folder.Source, "modules.json"),
            """[{"path":"1_Pooling"},{"path":"../escape"},{"path":"C:"},{"path":"/abs"}]""");
        using var hub = new FakeHub(Repo, _folder.Source);
        foreach (var name in new[] { "../escape/config.json", "C:/config.json", "/abs/config.json" }) hub.AddFile(name, [1]);
        string snapshot = await BertHub.DownloadAsync(Repo, options: _folder.Options(hub));
        Assert.True(File.Exists(Path.Combine(snapshot, "1_Pooling", "config.json")));
        // config, weights, vocab, tokenizer.json, tokenizer_config, special_tokens_map, modules.json, 1_Pooling/config.json
        Assert.Equal(8, Directory.GetFiles(Path.Combine(_folder.Cache, "models--test-org--tiny-bert", "snapshots"), "*", SearchOption.AllDirectories).Length);
        Assert.DoesNotContain(hub.Log, l => l.Contains("escape", StringComparison.Ordinal) || l.Contains("abs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bert-base-uncased", true)]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2", true)]
    [InlineData("a/b/c", false)]
    [InlineData("org--name/x", false)]
    [InlineData("-org/x", false)]
    [InlineData("org/x.", false)]
    [InlineData("", false)]
    public void Model_id_shape_is_validated_as_the_hub_does(string id, bool valid) => Assert.Equal(valid, BertHub.IsModelId(id));

    private static string ClosedPortEndpoint()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}";
    }

    /// <summary>Reports synchronously on the caller's thread (Progress&lt;T&gt; posts asynchronously).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
