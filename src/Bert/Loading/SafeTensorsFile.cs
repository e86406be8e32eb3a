using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Bert.Loading;

/// <summary>
/// One <c>.safetensors</c> file, memory-mapped read-only. F32 tensors are served straight from the mapping;
/// F16 and BF16 tensors are widened to F32 once, on first use, and the result is kept.
/// </summary>
/// <remarks>
/// The whole header is validated at <see cref="Open"/> (header length ≤ 16 MiB and within the file, valid UTF-8 JSON,
/// known dtypes, <c>data_offsets</c> inside the data and not overlapping, byte counts equal to shape × dtype size);
/// tensor bytes are read lazily, so opening costs one header parse whatever the file size. Thread-safe for concurrent reads.
/// The file must not be truncated by another process while mapped (the OS would fault on the missing pages).
/// </remarks>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data; // start of the byte buffer (file start + 8 + N)
    private readonly Dictionary<string, ReadOnlyMemory<float>> _widened = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    private SafeTensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* data, SafeTensorsHeader header)
    {
        Path = path;
        _map = map;
        _view = view;
        _data = data;
        Tensors = header.Tensors;
        Metadata = header.Metadata;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Every tensor of the header, by stored name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>The header's free-form <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Maps <paramref name="path"/> and validates its header.</summary>
    /// <param name="path">A <c>.safetensors</c> file.</param>
    /// <exception cref="BertFormatException">The file is missing, unreadable, truncated, or its header is invalid.</exception>
    /// <exception cref="PlatformNotSupportedException">The CPU is big-endian.</exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this library needs a little-endian CPU.");
        if (!File.Exists(path)) throw new BertFormatException(path, null, "the file does not exist.");
        FileStream? stream = null;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BertFormatException(path, null, $"the file cannot be read: {e.Message}", e);
        }
        return Map(path, stream);
    }

    private static SafeTensorsFile Map(string path, FileStream stream)
    {
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        bool acquired = false;
        try
        {
            // The length of the open handle is the length the map will have (an empty file cannot be mapped at all).
            long length = stream.Length;
            if (length < 8) SafeTensorsHeader.ReadLength([], length, path); // throws: too short
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            acquired = true;
            start += view.PointerOffset;
            long n = SafeTensorsHeader.ReadLength(new ReadOnlySpan<byte>(start, 8), length, path);
            var header = SafeTensorsHeader.Parse(new ReadOnlySpan<byte>(start + 8, (int)n), length - 8 - n, path);
            return new SafeTensorsFile(path, map, view, start + 8 + n, header);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Release(map, view, acquired, stream);
            throw new BertFormatException(path, null, $"the file cannot be mapped: {e.Message}", e);
        }
        catch
        {
            Release(map, view, acquired, stream);
            throw;
        }
    }

    private static void Release(MemoryMappedFile? map, MemoryMappedViewAccessor? view, bool acquired, FileStream? stream = null)
    {
        if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
        view?.Dispose();
        map?.Dispose(); // closes the stream once the map owns it
        stream?.Dispose();
    }

    /// <summary>The elements of the tensor stored under exactly <paramref name="name"/>, as F32.</summary>
    /// <param name="name">The stored name (no <c>bert.</c> or <c>gamma</c>/<c>beta</c> resolution here).</param>
    /// <returns>
    /// F32 data 4-byte aligned in the file: a view of the mapping (no copy). F16, BF16 or unaligned F32: an array
    /// converted on the first call and returned again afterwards. Valid until <see cref="Dispose"/>.
    /// </returns>
    /// <exception cref="BertFormatException">No such tensor, its dtype is not F32/F16/BF16, or it has more than 2³¹−1 elements.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public ReadOnlyMemory<float> GetFloats(string name)
    {
        ThrowIfDisposed();
        if (!Tensors.TryGetValue(name, out var info))
            throw new BertFormatException(Path, name, "no tensor of that name in the file.");
        if (info.FloatType is not { } type)
            throw new BertFormatException(Path, name, $"dtype {info.DType} is not a float type this library reads (F32, F16, BF16).");
        if (info.ElementCount > Array.MaxLength)
            throw new BertFormatException(Path, name, $"{info.ElementCount} elements exceed the {Array.MaxLength} one tensor may hold.");
        byte* source = _data + info.DataBegin;
        int count = (int)info.ElementCount;
        // Aligned F32 is served in place; everything else needs an owned F32 array, made once.
        if (type == SafeTensorDType.F32 && (nuint)source % sizeof(float) == 0)
            return new MappedMemory<float>(this, (float*)source, count).Memory;
        lock (_widened)
        {
            if (!_widened.TryGetValue(name, out var memory))
                _widened[name] = memory = Widen(type, source, count);
            return memory;
        }
    }

    /// <summary>
    /// The raw bfloat16 bits of a BF16 tensor stored under exactly <paramref name="name"/>, as a view of the mapping
    /// (no copy, no widening); null when the tensor is not BF16 or not 2-byte aligned in the file.
    /// </summary>
    /// <exception cref="BertFormatException">No such tensor, or it has more than 2³¹−1 elements.</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    internal ReadOnlyMemory<ushort>? TryGetBFloat16Bits(string name)
    {
        ThrowIfDisposed();
        if (!Tensors.TryGetValue(name, out var info))
            throw new BertFormatException(Path, name, "no tensor of that name in the file.");
        if (info.FloatType != SafeTensorDType.BF16) return null;
        if (info.ElementCount > Array.MaxLength)
            throw new BertFormatException(Path, name, $"{info.ElementCount} elements exceed the {Array.MaxLength} one tensor may hold.");
        byte* source = _data + info.DataBegin;
        if ((nuint)source % sizeof(ushort) != 0) return null;
        return new MappedMemory<ushort>(this, (ushort*)source, (int)info.ElementCount).Memory;
    }

    /// <summary>
    /// Says that this process will not read the tensor again (it was converted, e.g. to bfloat16 or int8): its mapped
    /// pages leave the process's resident set (Linux/macOS <c>madvise(MADV_DONTNEED)</c>; the page cache keeps them, and a
    /// later read would fault them back in, so this is always safe) and a widened copy is dropped from the cache.
    /// </summary>
    /// <remarks>Pages are rounded outward to whole pages: a neighbour sharing an edge page is simply re-read on use.</remarks>
    internal void ReleasePages(string name)
    {
        ThrowIfDisposed();
        if (!Tensors.TryGetValue(name, out var info)) return;
        lock (_widened) _widened.Remove(name);
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) || info.DataEnd <= info.DataBegin) return;
        nuint page = (nuint)Environment.SystemPageSize;
        nuint start = (nuint)(_data + info.DataBegin) / page * page;
        nuint end = ((nuint)(_data + info.DataEnd) + page - 1) / page * page;
        try
        {
            _ = NativeMethods.madvise((void*)start, end - start, NativeMethods.MadviseDontNeed); // advisory: a failure only costs memory
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc madvise here: the pages stay resident until the OS reclaims them.
        }
    }

    private static class NativeMethods
    {
        public const int MadviseDontNeed = 4; // MADV_DONTNEED on Linux and macOS

        [DllImport("libc", EntryPoint = "madvise")]
        public static extern int madvise(void* address, nuint length, int advice);
    }

    private static float[] Widen(SafeTensorDType type, byte* source, int count)
    {
        var result = GC.AllocateUninitializedArray<float>(count); // every element is written below: skip the zeroing pass
        // Unaligned element reads are fine here: TensorPrimitives and the copy use unaligned vector loads.
        switch (type)
        {
            case SafeTensorDType.F32:
                new ReadOnlySpan<byte>(source, count * sizeof(float)).CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
                break;
            case SafeTensorDType.F16:
                TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(source, count), result);
                break;
            case SafeTensorDType.BF16:
                // bfloat16 is the upper half of an F32: widen each u16 to u32, then shift it into the high bits.
                var bits = MemoryMarshal.Cast<float, uint>(result.AsSpan());
                TensorPrimitives.ConvertTruncating<ushort, uint>(new ReadOnlySpan<ushort>(source, count), bits);
                TensorPrimitives.ShiftLeft(bits, 16, bits);
                break;
        }
        return result;
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the mapping is released.</summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Releases the mapping and the widened arrays. Memory returned by <see cref="GetFloats"/> for mapped F32 tensors becomes invalid.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Release(_map, _view, acquired: true);
        lock (_widened) _widened.Clear(); // arrays already handed out stay valid; the file no longer keeps them alive
    }
}
