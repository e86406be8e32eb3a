using Bert.Hub;
using Bert.Tests.Hub;
using Xunit.Abstractions;

namespace Bert.Tests.Hardening;

/// <summary>
/// Seeded damage to what the hub client reads: the listing JSON of the (fake, 127.0.0.1) hub API, and the cache on
/// disk (<c>refs/main</c>, snapshot links and the blobs behind them). Resolving then either works or fails with
/// <see cref="HubException"/>, or loading with <see cref="BertFormatException"/> naming a file — nothing else.
/// </summary>
public sealed class HubFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const string Repo = "test-org/tiny-bert";
    private const int ListingMutations = 300, CacheMutations = 200;
    private readonly HubTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task MalformedListingIsAHubExceptionOrResolves()
    {
        using var hub = new FakeHub(Repo, _folder.Source);
        await BertHub.DownloadAsync(Repo, options: _folder.Options(hub));  // later resolves reuse the cached files
        var random = new Random(12);
        var tally = new Tally();
        for (int trial = 0; trial < ListingMutations; trial++)
        {
            hub.MutateListing = valid => JsonMutator.Mutate(valid, random);
            await tally.Run(trial, async () =>
            {
                string folder = await BertHub.DownloadAsync(Repo, options: _folder.Options(hub));
                using var model = BertModel.Load(folder);
            });
        }
        tally.Report(output, "listing");
    }

    [Fact]
    public async Task DamagedCacheIsAHubExceptionOrBertFormatExceptionOrLoads()
    {
        using var hub = new FakeHub(Repo, _folder.Source);
        string snapshot = await BertHub.DownloadAsync(Repo, options: _folder.Options(hub));
        string repo = Path.GetDirectoryName(Path.GetDirectoryName(snapshot))!;
        string[] entries = [.. Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories)];
        var random = new Random(34);
        var tally = new Tally();
        for (int trial = 0; trial < CacheMutations; trial++)
        {
            using var damage = Damage(random, Path.Combine(repo, "refs", "main"), entries[random.Next(entries.Length)]);
            bool offline = random.Next(2) == 0;
            await tally.Run(trial, async () =>
            {
                using var model = await BertModel.LoadAsync(Repo, hub: _folder.Options(hub, offline: offline));
                model.Encode("hello world");
            });
        }
        tally.Report(output, "cache");
    }

    [Theory]
    [InlineData("""{"sha": "\ud800", "siblings": []}""")]                  // was InvalidOperationException (lone surrogate)
    [InlineData("""{"sha": 7, "siblings": []}""")]
    [InlineData("""[1]""")]                                                 // was InvalidOperationException (not an object)
    [InlineData("""{"sha": "@", "siblings": [{"rfilename": 3}]}""")]     // @ = the real commit; was InvalidOperationException
    [InlineData("""{"sha": "@", "siblings": [{"rfilename": "\udfffx"}]}""")]
    public async Task Malformed_listing_is_a_protocol_error(string listing)
    {
        using var hub = new FakeHub(Repo, _folder.Source) { };
        hub.MutateListing = _ => System.Text.Encoding.UTF8.GetBytes(listing.Replace("@", hub.Commit));
        var e = await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync(Repo, options: _folder.Options(hub)));
        Assert.True(e.Kind is HubErrorKind.Protocol or HubErrorKind.EntryNotFound, e.Message);
    }

    [Fact]
    public async Task Looping_ref_and_snapshot_links_are_fetched_again_online()
    {
        using var hub = new FakeHub(Repo, _folder.Source);
        string snapshot = await BertHub.DownloadAsync(Repo, options: _folder.Options(hub));
        string refMain = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(snapshot))!, "refs", "main");
        foreach (string path in new[] { refMain, Path.Combine(snapshot, "modules.json"), Path.Combine(snapshot, "vocab.txt") })
        {
            File.Delete(path);
            File.CreateSymbolicLink(path, Path.GetFileName(path));   // was IOException: too many levels of symbolic links
        }
        await Assert.ThrowsAsync<HubException>(() => BertHub.DownloadAsync(Repo, options: _folder.Options(hub, offline: true)));
        Assert.Equal(snapshot, await BertHub.DownloadAsync(Repo, options: _folder.Options(hub)));
        Assert.Equal(hub.Commit, File.ReadAllText(refMain));
        Assert.Equal(hub.FileBytes("vocab.txt"), File.ReadAllBytes(Path.Combine(snapshot, "vocab.txt")));
    }

    // One damage to the cache, undone on dispose: refs/main rewritten or replaced by a folder; a snapshot entry
    // deleted, dangling, a link loop, a folder, or its blob's bytes damaged.
    private static Restore Damage(Random random, string refPath, string entry)
    {
        string target = random.Next(3) == 0 ? refPath : entry;
        var restore = new Restore(target);
        switch (random.Next(6))
        {
            case 0: File.Delete(target); break;
            case 1: File.Delete(target); Directory.CreateDirectory(target); break;
            case 2 when target == refPath:
                File.WriteAllBytes(target, JsonMutator.ByteMutation(File.ReadAllBytes(target), random)); break;
            case 2: File.Delete(target); File.CreateSymbolicLink(target, "../../blobs/missing"); break;
            case 3: File.Delete(target); File.CreateSymbolicLink(target, Path.GetFileName(target)); break;   // a loop
            case 4 when target == refPath: File.WriteAllText(target, new string('a', random.Next(2) == 0 ? 40 : 5000)); break;
            default:
                byte[] bytes = File.ReadAllBytes(target);
                restore.KeepBlob(target, bytes);
                File.WriteAllBytes(target, target.EndsWith(".txt") ? TextMutator.MutateLines(bytes, random)
                    : target.EndsWith(".json") ? JsonMutator.Mutate(bytes, random) : JsonMutator.ByteMutation(bytes, random));
                break;
        }
        return restore;
    }

    private sealed class Restore : IDisposable
    {
        private readonly string _path;
        private readonly string? _link;
        private readonly byte[]? _bytes;
        private (string Path, byte[] Bytes)? _blob;

        public Restore(string path)
        {
            _path = path;
            _link = new FileInfo(path).LinkTarget;
            if (_link is null) _bytes = File.ReadAllBytes(path);
        }

        public void KeepBlob(string path, byte[] bytes) => _blob = (new FileInfo(path).ResolveLinkTarget(true)?.FullName ?? path, bytes);

        public void Dispose()
        {
            if (_blob is { } blob) File.WriteAllBytes(blob.Path, blob.Bytes);
            if (Directory.Exists(_path) && new DirectoryInfo(_path).LinkTarget is null) Directory.Delete(_path, recursive: true);
            else if (File.Exists(_path) || new FileInfo(_path).LinkTarget is not null) File.Delete(_path);
            if (_link is not null) File.CreateSymbolicLink(_path, _link);
            else File.WriteAllBytes(_path, _bytes!);
        }
    }

    private sealed class Tally
    {
        private int _ok, _hub, _format, _damaged;
        private readonly List<string> _escaped = [];

        public async Task Run(int trial, Func<Task> action)
        {
            try { await action(); _ok++; }
            catch (HubException) { _hub++; }
            catch (BertFormatException e) when (e.File is not null) { _format++; }
            catch (IOException e) when (e.Message.StartsWith("The cache entry", StringComparison.Ordinal)) { _damaged++; }
            catch (Exception e) { _escaped.Add($"{e.GetType().Name}: {e.Message}|trial {trial}\n{e.StackTrace}"); }
        }

        public void Report(ITestOutputHelper output, string kind)
        {
            output.WriteLine($"{kind}: {_ok} resolved, {_hub} HubException, {_format} BertFormatException, {_damaged} IOException naming the damaged cache entry, {_escaped.Count} other exceptions");
            foreach (var group in _escaped.GroupBy(m => m[..Math.Min(m.IndexOf('|'), 90)]))
                output.WriteLine($"  {group.Count()} × {group.Key}\n{group.First()}");
            Assert.True(_escaped.Count == 0, $"{_escaped.Count} mutations escaped as other exceptions; first: {_escaped.FirstOrDefault()}");
            Assert.True(_hub + _format > 10, $"{kind}: only {_hub + _format} mutations were rejected: the mutator is not biting");
        }
    }
}
