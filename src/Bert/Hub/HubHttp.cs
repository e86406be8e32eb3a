using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Bert.Hub;

/// <summary>A file's metadata from the hub's HEAD answer: the commit, the ETag (a sha256 for LFS files), the size and
/// where to GET the bytes (the redirect target for LFS files).</summary>
internal sealed record HubFileMetadata(string Commit, string Etag, long Size, Uri DownloadUrl);

/// <summary>The repository listing of one revision: its commit and every file path.</summary>
internal sealed record HubListing(string Commit, IReadOnlySet<string> Siblings);

/// <summary>HTTP with the hub's conventions: token only to the endpoint, redirects followed by hand (HEAD follows only
/// relative ones so the LFS redirect's X-Linked-* headers are read), hub error codes mapped to <see cref="HubException"/>.</summary>
internal sealed class HubHttp(HubOptions options)
{
    private const long MaxListingBytes = 32 << 20;
    private const int MaxRedirects = 10;

    private static readonly HttpClient Shared = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    private readonly Uri _endpoint = new(options.Endpoint.TrimEnd('/') + "/");

    private HttpClient Client => options.HttpClient ?? Shared;

    public Uri ResolveUrl(string repoId, string revision, string file) =>
        new(_endpoint, $"{repoId}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary>GET /api/models/{id}/revision/{rev}: the commit and the file list.</summary>
    public async Task<HubListing> ListAsync(string repoId, string revision, CancellationToken ct)
    {
        var url = new Uri(_endpoint, $"api/models/{repoId}/revision/{Uri.EscapeDataString(revision)}");
        using var response = await SendAsync(HttpMethod.Get, url, null, followAbsolute: true, ct).ConfigureAwait(false);
        ThrowIfError(response, repoId, revision, null);
        byte[] body = await ReadBoundedAsync(response, MaxListingBytes, url, ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Protocol(url, "the listing is not a JSON object");
            string? sha = root.TryGetProperty("sha", out var s) ? StringOrNull(s) : null;
            if (sha is null || !HubRepoId.IsCommitHash(sha)) throw Protocol(url, "the listing has no 40-hex 'sha'");
            var siblings = new HashSet<string>(StringComparer.Ordinal);
            if (root.TryGetProperty("siblings", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var entry in list.EnumerateArray())
                    if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("rfilename", out var f) && StringOrNull(f) is { Length: > 0 } name)
                        siblings.Add(name);
            return new HubListing(sha, siblings);
        }
        catch (JsonException e)
        {
            throw Protocol(url, "the listing is not valid JSON: " + e.Message);
        }
        catch (InvalidOperationException e) // a property name System.Text.Json cannot decode (lone surrogate escape)
        {
            throw Protocol(url, "the listing has a string that is not valid UTF-8/UTF-16: " + e.Message);
        }
    }

    // A JSON string's value, or null when the element is not a string or cannot be decoded (lone surrogate escape,
    // invalid UTF-8), which System.Text.Json reports as InvalidOperationException.
    private static string? StringOrNull(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String) return null;
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>HEAD of a file at a pinned commit, as huggingface_hub's get_hf_file_metadata.</summary>
    public async Task<HubFileMetadata> HeadAsync(string repoId, string revision, string file, CancellationToken ct)
    {
        var url = ResolveUrl(repoId, revision, file);
        using var response = await SendAsync(HttpMethod.Head, url, null, followAbsolute: false, ct).ConfigureAwait(false);
        ThrowIfError(response, repoId, revision, file);
        string? commit = Header(response, "X-Repo-Commit");
        string? etag = NormalizeEtag(Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.ToString() ?? Header(response, "ETag"));
        string? sizeText = Header(response, "X-Linked-Size") ?? response.Content.Headers.ContentLength?.ToString();
        if (commit is null || !HubRepoId.IsCommitHash(commit)) throw Protocol(url, "no X-Repo-Commit header with a commit hash");
        if (etag is null || etag.Length is 0 or > 128 || !etag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw Protocol(url, "no usable ETag header");
        if (!long.TryParse(sizeText, out long size) || size < 0) throw Protocol(url, "no X-Linked-Size or Content-Length header");
        var location = IsRedirect(response) && response.Headers.Location is { } loc ? new Uri(url, loc) : url;
        return new HubFileMetadata(commit, etag, size, location);
    }

    /// <summary>GET following every redirect; <paramref name="rangeFrom"/> asks for the bytes from that offset on.</summary>
    public async Task<HttpResponseMessage> GetAsync(Uri url, long? rangeFrom, string repoId, string revision, string file, CancellationToken ct)
    {
        var response = await SendAsync(HttpMethod.Get, url, rangeFrom, followAbsolute: true, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return response;
        try
        {
            ThrowIfError(response, repoId, revision, file);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, long? rangeFrom, bool followAbsolute, CancellationToken ct)
    {
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.UserAgent.ParseAdd("bert-dotnet/0.1");
            request.Headers.AcceptEncoding.ParseAdd("identity");
            if (options.Token is { } token && IsEndpoint(url)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (rangeFrom is > 0) request.Headers.Range = new RangeHeaderValue(rangeFrom, null);
            var response = await SendOnceAsync(request, ct).ConfigureAwait(false);
            if (!IsRedirect(response) || response.Headers.Location is not { } location) return response;
            if (!location.IsAbsoluteUri || followAbsolute)
            {
                response.Dispose();
                if (hop == MaxRedirects) throw Protocol(url, $"more than {MaxRedirects} redirects");
                url = new Uri(url, location);
                continue;
            }
            return response;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            return await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(request.RequestUri!, e.Message, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Unreachable(request.RequestUri!, $"no answer within {options.Timeout.TotalSeconds:0} s", e);
        }
    }

    /// <summary>Reads a body of at most <paramref name="limit"/> bytes (checked before and while reading).</summary>
    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, long limit, Uri url, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > limit) throw Protocol(url, $"the answer is larger than {limit} bytes");
        using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await ReadAsync(stream, chunk, url, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limit) throw Protocol(url, $"the answer is larger than {limit} bytes");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>One read of a body, failing with a network error when no byte arrives within the timeout.</summary>
    public async Task<int> ReadAsync(Stream stream, Memory<byte> buffer, Uri url, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            return await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Unreachable(url, $"the transfer stalled for {options.Timeout.TotalSeconds:0} s", e);
        }
    }

    private void ThrowIfError(HttpResponseMessage response, string repoId, string revision, string? file)
    {
        int status = (int)response.StatusCode;
        if (status is >= 200 and < 400) return;
        string? code = Header(response, "X-Error-Code");
        string page = $"{options.Endpoint.TrimEnd('/')}/{repoId}";
        string login = options.Token is null
            ? "set HF_TOKEN (or log in with `huggingface-cli login`) to a token of an account that has access"
            : "the token sent (HF_TOKEN or the token file) has no access to it";
        string what = file is null ? $"'{repoId}'" : $"'{file}' of '{repoId}'";
        throw (code, status) switch
        {
            ("GatedRepo", _) => new HubException(HubErrorKind.Unauthorized,
                $"'{repoId}' is gated: accept its conditions at {page}, then {login}.", status),
            ("RepoNotFound", _) => RepoNotFound(repoId, status, login),
            (null, 401) when file is null => RepoNotFound(repoId, status, login),
            ("RevisionNotFound", _) => new HubException(HubErrorKind.RevisionNotFound,
                $"Revision '{revision}' was not found in '{repoId}' ({status}): use an existing branch, tag or commit.", status),
            ("EntryNotFound", _) => new HubException(HubErrorKind.EntryNotFound,
                $"{what} was not found at revision '{revision}' ({status}).", status),
            (_, 401 or 403) => new HubException(HubErrorKind.Unauthorized,
                $"Access to {what} was refused ({status}): {login}.", status),
            (_, 404) => new HubException(file is null ? HubErrorKind.RepositoryNotFound : HubErrorKind.EntryNotFound,
                $"{what} was not found on {options.Endpoint} at revision '{revision}' (404).", status),
            _ => new HubException(status >= 500 ? HubErrorKind.Network : HubErrorKind.Protocol,
                $"{options.Endpoint} answered {status} {response.ReasonPhrase} for {what}{(Header(response, "X-Error-Message") is { } m ? ": " + m : "")}.", status),
        };
    }

    private HubException RepoNotFound(string repoId, int status, string login) => new(HubErrorKind.RepositoryNotFound,
        $"Repository '{repoId}' was not found on {options.Endpoint} ({status}); check the id, and if it is private {login}.", status);

    private bool IsEndpoint(Uri url) => Uri.Compare(url, _endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool IsRedirect(HttpResponseMessage r) => (int)r.StatusCode is >= 300 and < 400;

    private static string? Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) || r.Content.Headers.TryGetValues(name, out v) ? v.FirstOrDefault() : null;

    // huggingface_hub strips a weak-validator prefix and the quotes.
    private static string? NormalizeEtag(string? etag) =>
        etag is null ? null : (etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag).Trim('"');

    private HubException Unreachable(Uri url, string why, Exception inner) =>
        new(HubErrorKind.Network, $"Cannot reach {url.GetLeftPart(UriPartial.Authority)} ({why}); check the network or HF_ENDPOINT "
            + "(with HF_HUB_OFFLINE=1 models already in the cache load without the network).", null, inner);

    private static HubException Protocol(Uri url, string why) =>
        new(HubErrorKind.Protocol, $"{url.GetLeftPart(UriPartial.Path)}: {why}; the server does not behave as the Hugging Face hub.");
}
