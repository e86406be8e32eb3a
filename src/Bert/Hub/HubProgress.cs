namespace Bert.Hub;

/// <summary>Progress of one file of a download, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="File">The file's path in the repository, e.g. <c>model.safetensors</c> or <c>1_Pooling/config.json</c>.</param>
/// <param name="BytesDone">Bytes of this file present locally so far (including a resumed part or a cache hit).</param>
/// <param name="TotalBytes">The file's size as the hub announced it.</param>
/// <param name="FileIndex">0-based position of this file in the download.</param>
/// <param name="FileCount">Number of files the download resolves.</param>
public readonly record struct HubProgress(string File, long BytesDone, long TotalBytes, int FileIndex, int FileCount);
