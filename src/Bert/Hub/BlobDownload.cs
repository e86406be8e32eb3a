using System.Buffers;
using System.Net;
using System.Security.Cryptography;

namespace Bert.Hub;

/// <summary>
/// Downloads one file into the cache as huggingface_hub does: bytes go to <c>blobs/{etag}.incomplete</c>, a partial file
/// is resumed with <c>Range</c>, the size (and, for LFS files whose ETag is a sha256, the hash) is verified, then the file
/// is renamed to <c>blobs/{etag}</c> in one atomic step and linked from the snapshot. A killed download therefore never
/// leaves a file under a final name.
/// </summary>
internal static class BlobDownload
{
    private const int Attempts = 4;
    private const int BufferBytes = 1 << 20;

    /// <summary>Makes <c>snapshots/{commit}/{file}</c> exist with verified bytes; <paramref name="report"/> receives the bytes present.</summary>
    public static async Task FetchAsync(HubHttp http, HubCache cache, HubFileMetadata meta, string repoId, string file,
        Action<long> report, CancellationToken ct)
    {
        string blob = cache.BlobPath(meta.Etag);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        using (await cache.LockAsync(meta.Etag, ct).ConfigureAwait(false))
        {
            if (!File.Exists(blob) || new FileInfo(blob).Length != meta.Size)
            {
                string part = blob + ".incomplete";
                for (int attempt = 1; ; attempt++)
                {
                    try
                    {
                        await TransferAsync(http, meta, part, repoId, file, report, ct).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception e) when (attempt < Attempts && IsTransient(e, ct))
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), ct).ConfigureAwait(false);
                    }
                }
                Verify(part, meta, repoId, file);
                File.Move(part, blob, overwrite: true);
            }
            cache.LinkPointer(meta.Commit, file, meta.Etag);
            report(meta.Size);
        }
    }

    /// <summary>True when <paramref name="etag"/> is a sha256 (64 lower-case hex digits), as the hub gives for LFS files.</summary>
    public static bool IsSha256(string etag) => etag.Length == 64 && etag.All(char.IsAsciiHexDigitLower);

    private static async Task TransferAsync(HubHttp http, HubFileMetadata meta, string part, string repoId, string file,
        Action<long> report, CancellationToken ct)
    {
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        if (have > meta.Size) { File.Delete(part); have = 0; }
        if (have == meta.Size) { if (have == 0) File.WriteAllBytes(part, []); return; }
        report(have);

        using var response = await http.GetAsync(meta.DownloadUrl, have > 0 ? have : null, repoId, meta.Commit, file, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            if (response.Content.Headers.ContentRange?.From != have)
                throw new HubException(HubErrorKind.Protocol, $"'{file}': asked for bytes from {have}, the server sent a different range.");
        }
        else if (response.StatusCode == HttpStatusCode.OK) have = 0;   // the server ignored Range: start over
        else throw new HubException(HubErrorKind.Protocol, $"'{file}': unexpected status {(int)response.StatusCode} for a download.", (int)response.StatusCode);

        using var source = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var target = new FileStream(part, have > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            int n;
            while ((n = await http.ReadAsync(source, buffer.AsMemory(0, BufferBytes), meta.DownloadUrl, ct).ConfigureAwait(false)) > 0)
            {
                if (have + n > meta.Size)
                    throw new HubException(HubErrorKind.Integrity, $"'{file}' of '{repoId}': the server sent more than the {meta.Size} bytes the hub announced.");
                await target.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                have += n;
                report(have);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (have < meta.Size) throw new IOException($"'{file}': the connection closed after {have} of {meta.Size} bytes.");
    }

    // Dropped connections and stalls are retried (resuming); integrity, protocol and HTTP errors are not.
    private static bool IsTransient(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested && (e is IOException or HttpRequestException || e is HubException { Kind: HubErrorKind.Network });

    private static void Verify(string part, HubFileMetadata meta, string repoId, string file)
    {
        long length = new FileInfo(part).Length;
        if (length != meta.Size)
        {
            File.Delete(part);
            throw new HubException(HubErrorKind.Integrity, $"'{file}' of '{repoId}' has {length} bytes, the hub announced {meta.Size}; the partial file was deleted, try again.");
        }
        if (!IsSha256(meta.Etag)) return;
        string actual;
        using (var stream = new FileStream(part, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual == meta.Etag) return;
        File.Delete(part);
        throw new HubException(HubErrorKind.Integrity,
            $"'{file}' of '{repoId}' is corrupt: its sha256 is {actual}, the hub's ETag says {meta.Etag}; the download was deleted, try again.");
    }
}
