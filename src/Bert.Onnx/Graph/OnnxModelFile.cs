using System.IO.MemoryMappedFiles;

namespace Bert.Onnx.Graph;

/// <summary>
/// An ONNX model file mapped read-only into memory and decoded (<see cref="Model"/>). Weight bytes are never copied
/// during decoding: tensors keep their file offsets and are read on demand by <see cref="OnnxTensorValues"/>.
/// </summary>
/// <remarks>A protobuf message is limited to 2 GiB, so a file larger than that cannot be one ONNX model (models that
/// large keep their weights in external data files, which <see cref="OnnxTensorValues"/> reads).</remarks>
internal sealed unsafe class OnnxModelFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _pointer;
    private readonly int _length;

    private OnnxModelFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* pointer, int length)
    {
        Path = path;
        _map = map;
        _view = view;
        _pointer = pointer;
        _length = length;
        Model = OnnxModelReader.Read(Bytes, path);
    }

    /// <summary>Full path of the model file.</summary>
    public string Path { get; }

    /// <summary>The folder external-data locations are relative to.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path) ?? ".";

    public OnnxModel Model { get; }

    public ReadOnlySpan<byte> Bytes => new(_pointer, _length);

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="BertFormatException">The file is empty, over 2 GiB, or not a decodable ONNX model.</exception>
    public static OnnxModelFile Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        long length = new FileInfo(path).Length; // throws FileNotFoundException with the path
        if (length == 0) throw new BertFormatException(path, null, "is empty: not an ONNX model.");
        if (length > int.MaxValue) throw new BertFormatException(path, null, $"is {length} bytes, over protobuf's 2 GiB message limit: not one ONNX model.");
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            return new OnnxModelFile(path, map, view, pointer, (int)length);
        }
        catch
        {
            Release(view);
            map.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Release(_view);
        _map?.Dispose();
    }

    private static void Release(MemoryMappedViewAccessor? view)
    {
        if (view is null) return;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
    }
}
