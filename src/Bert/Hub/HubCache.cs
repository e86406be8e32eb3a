namespace Bert.Hub;

/// <summary>
/// The huggingface_hub cache layout of one model repository:
/// <c>{cache}/models--org--name/blobs/{etag}</c> holds each file's bytes once, <c>snapshots/{commit}/{path}</c> are
/// relative symbolic links to the blobs (copies where links cannot be made), <c>refs/{revision}</c> holds the commit a
/// branch or tag pointed to when last resolved, and partial downloads are <c>blobs/{etag}.incomplete</c>.
/// </summary>
internal sealed class HubCache(string cacheDirectory, string repoId)
{
    /// <summary>The repository's folder, <c>{cache}/models--org--name</c>.</summary>
    public string RepoFolder { get; } = Path.Combine(cacheDirectory, HubRepoId.CacheFolderName(repoId));

    /// <summary>The lock folder huggingface_hub uses, <c>{cache}/.locks/models--org--name</c>.</summary>
    public string LockFolder { get; } = Path.Combine(cacheDirectory, ".locks", HubRepoId.CacheFolderName(repoId));

    public string BlobPath(string etag) => Path.Combine(RepoFolder, "blobs", etag);

    public string SnapshotFolder(string commit) => Path.Combine(RepoFolder, "snapshots", commit);

    public string PointerPath(string commit, string file) =>
        Path.Combine(SnapshotFolder(commit), file.Replace('/', Path.DirectorySeparatorChar));

    public string RefPath(string revision) => Path.Combine(RepoFolder, "refs", revision.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The commit a revision resolves to from the cache alone: itself for a commit hash, else the content of refs/{revision}.</summary>
    public string? CachedCommit(string revision)
    {
        if (HubRepoId.IsCommitHash(revision)) return revision;
        string? commit = ReadRef(RefPath(revision));
        return commit is not null && HubRepoId.IsCommitHash(commit) ? commit : null;
    }

    // The trimmed content of a ref file, or null when it is missing, not a readable regular file (a folder, a dangling
    // or looping link) or longer than any commit hash could be.
    private static string? ReadRef(string path)
    {
        if (!IsReadableFile(path) || new FileInfo(path).Length > 1024) return null;
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="path"/> is a regular file or a link that resolves to one (as Python's
    /// <c>os.path.exists</c> follows links); false for a folder, a dangling link or a link loop.</summary>
    public static bool IsReadableFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is null) return info.Exists;
            return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // A folder where the cache needs a file cannot be repaired without deleting what may be the user's: say so.
    private static void ThrowIfFolder(string path)
    {
        if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
            throw new IOException($"The cache entry '{path}' is a folder where a file belongs; the cache is damaged: delete that folder and retry.");
    }

    /// <summary>Records that <paramref name="revision"/> pointed to <paramref name="commit"/> (written atomically).</summary>
    public void WriteRef(string revision, string commit)
    {
        if (revision == commit) return;
        string path = RefPath(revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ThrowIfFolder(path);
        if (ReadRef(path) == commit) return;
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, commit);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Points <c>snapshots/{commit}/{file}</c> at the blob by a relative symbolic link, or a copy when the file
    /// system refuses links (Windows without developer mode), as huggingface_hub does.</summary>
    public void LinkPointer(string commit, string file, string etag)
    {
        string pointer = PointerPath(commit, file), blob = BlobPath(etag);
        Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
        ThrowIfFolder(pointer);
        if (File.Exists(pointer) || new FileInfo(pointer).LinkTarget is not null) File.Delete(pointer);
        try
        {
            File.CreateSymbolicLink(pointer, Path.GetRelativePath(Path.GetDirectoryName(pointer)!, blob));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            string temp = pointer + ".tmp";
            File.Copy(blob, temp, overwrite: true);
            File.Move(temp, pointer, overwrite: true);
        }
    }

    /// <summary>True when the snapshot has <c>config.json</c> and its weights (<c>model.safetensors</c> or the index and every shard it names).</summary>
    public bool IsCompleteSnapshot(string commit)
    {
        string folder = SnapshotFolder(commit);
        if (!IsReadableFile(Path.Combine(folder, "config.json"))) return false;
        if (IsReadableFile(Path.Combine(folder, HubFiles.Weights))) return true;
        string index = Path.Combine(folder, HubFiles.WeightsIndex);
        return IsReadableFile(index) && HubFiles.ShardsOf(index).All(s => IsReadableFile(Path.Combine(folder, s)));
    }

    /// <summary>Takes huggingface_hub's per-blob lock file so two processes never write one blob at once.</summary>
    public async Task<IDisposable> LockAsync(string etag, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(LockFolder);
        string path = Path.Combine(LockFolder, etag + ".lock");
        for (var wait = TimeSpan.FromMilliseconds(50); ; wait = TimeSpan.FromMilliseconds(Math.Min(1000, wait.TotalMilliseconds * 2)))
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
