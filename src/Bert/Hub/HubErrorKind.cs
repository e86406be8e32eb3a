namespace Bert.Hub;

/// <summary>What went wrong when resolving a model from the hub (see <see cref="HubException.Kind"/>).</summary>
public enum HubErrorKind
{
    /// <summary>The repository does not exist, or it is private and no (valid) token was sent (hub error <c>RepoNotFound</c>).</summary>
    RepositoryNotFound,

    /// <summary>The branch, tag or commit does not exist in the repository (<c>RevisionNotFound</c>).</summary>
    RevisionNotFound,

    /// <summary>A file the repository lists could not be found (<c>EntryNotFound</c>), or the repository lacks a file a BERT folder needs.</summary>
    EntryNotFound,

    /// <summary>The repository is gated or private: 401/403. Accept its conditions on the hub and set <c>HF_TOKEN</c>.</summary>
    Unauthorized,

    /// <summary>The hub could not be reached (DNS, connection, TLS, timeout) and the model is not in the cache.</summary>
    Network,

    /// <summary>Offline mode (<c>HF_HUB_OFFLINE</c>) is on and the model is not in the cache.</summary>
    NotCached,

    /// <summary>A downloaded file has the wrong size or its sha256 differs from the hub's ETag; the partial file was deleted.</summary>
    Integrity,

    /// <summary>The repository has weights only in a format this library does not read (<c>pytorch_model.bin</c>).</summary>
    UnsupportedFormat,

    /// <summary>The server answered something the hub protocol does not allow (missing headers, bad JSON, unexpected status).</summary>
    Protocol,
}
