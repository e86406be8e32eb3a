using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bert.Tests.Hub;

/// <summary>
/// A Hugging Face hub imitation on 127.0.0.1 for tests, over raw sockets so every header and a cut-off body are under
/// the test's control. It serves one repository from a local folder with the hub's documented behaviour:
/// <c>GET /api/models/{id}/revision/{rev}</c> (sha + siblings), <c>HEAD/GET /{id}/resolve/{rev}/{path}</c> answering
/// small files directly (ETag = git blob sha1) and LFS files (<c>*.safetensors</c>) with a 302 to <c>/cdn/{sha256}</c>
/// carrying <c>X-Linked-Etag</c> = sha256 and <c>X-Linked-Size</c>; <c>X-Repo-Commit</c> on both; errors with
/// <c>X-Error-Code</c> (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo); byte ranges on the CDN.
/// </summary>
internal sealed class FakeHub : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, byte[]> _files;
    private readonly ConcurrentDictionary<string, int> _cdnGets = new();

    public FakeHub(string repoId, string folder)
    {
        RepoId = repoId;
        _files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllBytes);
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public string RepoId { get; }

    /// <summary>The commit every revision resolves to.</summary>
    public string Commit { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>When set, the listing and files need <c>Authorization: Bearer {token}</c>.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Gated: listing is public, files answer 401/403 with X-Error-Code GatedRepo without the token.</summary>
    public bool Gated { get; set; }

    /// <summary>An old id that answers with a relative 307 to <see cref="RepoId"/>, as the hub does for renamed repositories.</summary>
    public string? RenamedFrom { get; set; }

    /// <summary>The first CDN GET of these files is cut off after half its bytes (connection closed).</summary>
    public HashSet<string> AbortFirstTransfer { get; } = [];

    /// <summary>These files are served with one byte flipped by the CDN (the metadata stays right).</summary>
    public HashSet<string> Corrupt { get; } = [];

    /// <summary>When set, rewrites the listing's JSON body before it is sent (malformed answers for the hub fuzz).</summary>
    public Func<byte[], byte[]>? MutateListing { get; set; }

    /// <summary>Every request: "METHOD path [Range] [auth]".</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public byte[] FileBytes(string path) => _files[path];

    /// <summary>Adds a file the repository lists and serves (names the local folder cannot hold, e.g. "../x").</summary>
    public void AddFile(string path, byte[] bytes) => _files[path] = bytes;

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static bool IsLfs(string path) => path.EndsWith(".safetensors", StringComparison.Ordinal);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var request = await ReadHead(stream);
            if (request is null) return;
            Log.Enqueue($"{request.Method} {request.Path}{(request.Headers.TryGetValue("range", out var r) ? " " + r : "")}"
                + $"{(request.Headers.ContainsKey("authorization") ? " auth" : "")}");
            await Route(request, stream);
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    private sealed record Request(string Method, string Path, Dictionary<string, string> Headers);

    private static async Task<Request?> ReadHead(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 16384)
        {
            if (await stream.ReadAsync(one) == 0) return null;
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r') break;
        }
        var lines = Encoding.ASCII.GetString([.. bytes]).Split("\r\n");
        var first = lines[0].Split(' ');
        var headers = lines.Skip(1).Where(l => l.Contains(':'))
            .ToDictionary(l => l[..l.IndexOf(':')].Trim().ToLowerInvariant(), l => l[(l.IndexOf(':') + 1)..].Trim());
        return new Request(first[0], Uri.UnescapeDataString(first[1]), headers);
    }

    private async Task Route(Request request, NetworkStream stream)
    {
        string path = request.Path;
        if (RenamedFrom is { } old && path.StartsWith("/" + old + "/", StringComparison.Ordinal))
        {
            await Send(stream, request, 307, new() { ["Location"] = "/" + RepoId + path[(old.Length + 1)..] }, []);
            return;
        }
        string api = $"/api/models/{RepoId}/revision/";
        if (request.Method == "GET" && path.StartsWith(api, StringComparison.Ordinal)) { await Listing(request, stream, path[api.Length..]); return; }
        if (path.StartsWith("/api/models/", StringComparison.Ordinal)) { await Error(stream, request, 401, "RepoNotFound"); return; }
        string resolve = $"/{RepoId}/resolve/";
        if (path.StartsWith(resolve, StringComparison.Ordinal)) { await Resolve(request, stream, path[resolve.Length..]); return; }
        if (path.StartsWith("/cdn/", StringComparison.Ordinal)) { await Cdn(request, stream, path["/cdn/".Length..]); return; }
        await Error(stream, request, 401, "RepoNotFound");   // the hub answers 401 for unknown (or private) repositories
    }

    private bool Authorized(Request request) =>
        RequiredToken is null || request.Headers.GetValueOrDefault("authorization") == "Bearer " + RequiredToken;

    private async Task Listing(Request request, NetworkStream stream, string revision)
    {
        if (!Authorized(request) && !Gated) { await Error(stream, request, 401, "RepoNotFound"); return; }
        if (revision != "main" && revision != Commit) { await Error(stream, request, 404, "RevisionNotFound"); return; }
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = RepoId, sha = Commit, siblings = _files.Keys.Order(StringComparer.Ordinal).Select(f => new { rfilename = f }),
        });
        if (MutateListing is { } mutate) body = mutate(body);
        await Send(stream, request, 200, new() { ["Content-Type"] = "application/json" }, body);
    }

    private async Task Resolve(Request request, NetworkStream stream, string rest)
    {
        int slash = rest.IndexOf('/');
        string revision = rest[..slash], file = rest[(slash + 1)..];
        if (!Authorized(request)) { await Error(stream, request, 401, Gated ? "GatedRepo" : "RepoNotFound"); return; }
        if (revision != "main" && revision != Commit) { await Error(stream, request, 404, "RevisionNotFound"); return; }
        if (!_files.TryGetValue(file, out var bytes)) { await Error(stream, request, 404, "EntryNotFound"); return; }
        var headers = new Dictionary<string, string> { ["X-Repo-Commit"] = Commit, ["ETag"] = $"\"{GitBlobSha1(bytes)}\"" };
        if (IsLfs(file))
        {
            headers["X-Linked-Etag"] = $"\"{Sha256(bytes)}\"";
            headers["X-Linked-Size"] = bytes.Length.ToString();
            headers["Location"] = $"{Endpoint}/cdn/{Uri.EscapeDataString(file)}";
            await Send(stream, request, 302, headers, []);
            return;
        }
        await Send(stream, request, 200, headers, bytes);
    }

    private async Task Cdn(Request request, NetworkStream stream, string file)
    {
        var bytes = _files[file];
        if (Corrupt.Contains(file)) { bytes = (byte[])bytes.Clone(); bytes[bytes.Length / 2] ^= 0x5A; }
        int from = 0;
        if (request.Headers.TryGetValue("range", out var range) && range.StartsWith("bytes=", StringComparison.Ordinal))
            from = int.Parse(range["bytes=".Length..].TrimEnd('-'));
        int count = _cdnGets.AddOrUpdate(file, 1, (_, n) => n + 1);
        var headers = new Dictionary<string, string> { ["ETag"] = $"\"{Sha256(_files[file])}\"" };
        if (from > 0) headers["Content-Range"] = $"bytes {from}-{bytes.Length - 1}/{bytes.Length}";
        var body = bytes.AsMemory(from);
        if (request.Method == "GET" && count == 1 && AbortFirstTransfer.Contains(file))
        {
            // Announce the whole body, send half, then close: a dropped connection mid-transfer.
            await WriteHead(stream, from > 0 ? 206 : 200, headers, body.Length);
            await stream.WriteAsync(body[..(body.Length / 2)]);
            await stream.FlushAsync();
            return;
        }
        await Send(stream, request, from > 0 ? 206 : 200, headers, body.ToArray());
    }

    private Task Error(NetworkStream stream, Request request, int status, string code) =>
        Send(stream, request, status, new() { ["X-Error-Code"] = code, ["X-Error-Message"] = code }, Encoding.UTF8.GetBytes($"{{\"error\":\"{code}\"}}"));

    private static async Task Send(NetworkStream stream, Request request, int status, Dictionary<string, string> headers, byte[] body)
    {
        await WriteHead(stream, status, headers, body.Length);
        if (request.Method != "HEAD") await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    private static async Task WriteHead(NetworkStream stream, int status, Dictionary<string, string> headers, int length)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {(HttpStatusCode)status}\r\n");
        foreach (var (k, v) in headers) head.Append($"{k}: {v}\r\n");
        head.Append($"Content-Length: {length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
    }

    // The id git gives a file: sha1("blob {length}\0" + bytes), which the hub sends as the ETag of non-LFS files.
    private static string GitBlobSha1(byte[] bytes) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"), .. bytes]));

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
