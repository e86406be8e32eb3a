using System.Buffers;

namespace Bert.Loading;

/// <summary>
/// Exposes elements (F32, or bfloat16 bits) that live in a memory-mapped file as <see cref="Memory{T}"/>, without copying.
/// </summary>
/// <remarks>
/// The pointer belongs to <paramref name="owner"/>'s mapping; every <see cref="GetSpan"/> checks that the owner is
/// still open, so use after <see cref="SafeTensorsFile.Dispose"/> fails with <see cref="ObjectDisposedException"/>
/// rather than reading unmapped memory (a span taken earlier must not outlive the owner).
/// </remarks>
internal sealed unsafe class MappedMemory<T>(SafeTensorsFile owner, T* pointer, int length) : MemoryManager<T> where T : unmanaged
{
    public override Span<T> GetSpan()
    {
        owner.ThrowIfDisposed();
        return new Span<T>(pointer, length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        owner.ThrowIfDisposed();
        return new MemoryHandle(pointer + elementIndex);
    }

    public override void Unpin()
    {
        // The mapping never moves: nothing to release.
    }

    protected override void Dispose(bool disposing)
    {
        // The mapping is released by the owning file, not by each view.
    }
}
