using System.Runtime.CompilerServices;

namespace Bert.Kernels;

/// <summary>
/// The layout of weights packed once at load for the 8×48 micro-kernels, shared by F32 (<see cref="GemmPrepacked"/>)
/// and bfloat16 (<see cref="GemmBFloat16"/>) weights: ⌈n/48⌉ panels of k rows of 48 output channels, so that
/// w[j, p] sits at (j / 48)·k·48 + p·48 + j % 48 and one step of k reads 48 contiguous weights. Padding channels of the
/// last panel are zero.
/// </summary>
internal static class PanelLayout
{
    /// <summary>Output channels per panel (the AVX-512 tile width).</summary>
    public const int Width = GemmMicroKernels.Nr512;

    /// <summary>Packed elements for an [n, k] weight: ⌈n/48⌉ panels of k × 48.</summary>
    /// <exception cref="OverflowException">The packed weight would exceed int.MaxValue elements.</exception>
    public static int PackedLength(int n, int k) => checked((n + Width - 1) / Width * k * Width);

    /// <summary>Element offset of w[j, p] (valid below <see cref="PackedLength"/>, so it fits an int).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index(int j, int p, int k) => (j / Width) * k * Width + p * Width + j % Width;

    // rows: [n, k] row-major; packed: PackedLength(n, k)
    /// <summary>Lays out rows as panels, padding channels zero.</summary>
    public static void Pack<T>(ReadOnlySpan<T> rows, int n, int k, Span<T> packed)
    {
        packed.Clear();
        for (int j = 0; j < n; j++) PackRow(rows.Slice(j * k, k), j, k, packed);
    }

    // row: [k] of channel j; packed: PackedLength(> j, k)
    /// <summary>Writes channel j's k weights into its column of the packed layout.</summary>
    public static void PackRow<T>(ReadOnlySpan<T> row, int j, int k, Span<T> packed)
    {
        int start = Index(j, 0, k);
        for (int p = 0; p < k; p++) packed[start + p * Width] = row[p];
    }

    // packed: PackedLength(n, k); rows: [n, k]
    /// <summary>The inverse of <see cref="Pack"/>: the n channels back as rows.</summary>
    public static void Unpack<T>(ReadOnlySpan<T> packed, int n, int k, Span<T> rows)
    {
        for (int j = 0; j < n; j++)
        {
            int start = Index(j, 0, k);
            for (int p = 0; p < k; p++) rows[j * k + p] = packed[start + p * Width];
        }
    }
}
