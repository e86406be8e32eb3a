namespace Bert.Onnx.Output;

/// <summary>
/// Writes a folder atomically enough that a failure leaves nothing half-written: every file is first written into a
/// fresh temporary folder beside the destination; only when all succeeded is that folder renamed to the destination
/// (when it does not exist) or each file renamed over its namesake (same volume, so each rename is atomic).
/// </summary>
internal static class FolderWriter
{
    /// <summary>Runs <paramref name="write"/> on a temporary folder and moves what it wrote (relative paths) into <paramref name="destination"/>.</summary>
    public static IReadOnlyList<string> Write(string destination, Func<string, IReadOnlyList<string>> write)
    {
        string parent = Path.GetDirectoryName(destination) ?? throw new IOException($"'{destination}' has no parent folder.");
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(destination)}.import-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var files = write(temp);
            if (!Directory.Exists(destination))
            {
                Directory.Move(temp, destination);
                return files;
            }
            foreach (var relative in files)
            {
                string target = Path.Combine(destination, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                string source = Path.Combine(temp, relative);
                if (Directory.Exists(source)) Directory.CreateDirectory(target);
                else File.Move(source, target, overwrite: true);
            }
            Directory.Delete(temp, recursive: true);
            return files;
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }
}
