using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bert.Kernels;

/// <summary>
/// bfloat16 ⇄ float32. A bfloat16 is the upper 16 bits of a float32 (sign, 8-bit exponent, 7-bit mantissa), so
/// widening is exact (a shift); narrowing rounds to nearest, ties to even, exactly as torch's
/// <c>tensor.to(torch.bfloat16)</c> (c10 <c>round_to_nearest_even</c>): b = (bits + 0x7FFF + ((bits &gt;&gt; 16) &amp; 1)) &gt;&gt; 16,
/// and every NaN becomes the quiet NaN 0x7FC0. Finite values above the largest bfloat16 round to ±infinity.
/// </summary>
internal static class BFloat16
{
    /// <summary>The bfloat16 every NaN becomes (torch's choice).</summary>
    public const ushort NaN = 0x7FC0;

    /// <summary>dst[i] = bfloat16(src[i]), round to nearest even.</summary>
    /// <exception cref="ArgumentException">dst is shorter than src.</exception>
    public static void FromSingle(ReadOnlySpan<float> src, Span<ushort> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException($"dst has {dst.Length} elements, expected at least {src.Length}.", nameof(dst));
        ref float s = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(src);
        ref ushort d = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 32 <= n; i += 32)
                Vector512.Narrow(Round(Vector512.LoadUnsafe(ref s, i)), Round(Vector512.LoadUnsafe(ref s, i + 16))).StoreUnsafe(ref d, i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                Vector256.Narrow(Round(Vector256.LoadUnsafe(ref s, i)), Round(Vector256.LoadUnsafe(ref s, i + 8))).StoreUnsafe(ref d, i);
        for (; i < n; i++) Unsafe.Add(ref d, i) = Round(Unsafe.Add(ref s, i));
    }

    /// <summary>dst[i] = float(src[i]) (exact).</summary>
    /// <exception cref="ArgumentException">dst is shorter than src.</exception>
    public static void ToSingle(ReadOnlySpan<ushort> src, Span<float> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException($"dst has {dst.Length} elements, expected at least {src.Length}.", nameof(dst));
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(dst[..src.Length]);
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<ushort, uint>(src, bits);
        System.Numerics.Tensors.TensorPrimitives.ShiftLeft(bits, 16, bits);
    }

    /// <summary>One float to bfloat16, round to nearest even (the scalar form of <see cref="FromSingle"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Round(float x)
    {
        if (float.IsNaN(x)) return NaN;
        uint bits = BitConverter.SingleToUInt32Bits(x);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>One bfloat16 to float (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Widen(ushort b) => BitConverter.UInt32BitsToSingle((uint)b << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Round(Vector512<float> x)
    {
        var bits = x.AsUInt32();
        var rounded = (bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One)) >> 16;
        return Vector512.ConditionalSelect(Vector512.Equals(x, x).AsUInt32(), rounded, Vector512.Create((uint)NaN));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Round(Vector256<float> x)
    {
        var bits = x.AsUInt32();
        var rounded = (bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256<uint>.One)) >> 16;
        return Vector256.ConditionalSelect(Vector256.Equals(x, x).AsUInt32(), rounded, Vector256.Create((uint)NaN));
    }

    /// <summary>16 bfloat16 values at p widened to floats (vpmovzxwd + shift).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> LoadWidened512(ushort* p)
        => (Vector512.WidenLower(Vector256.Load(p).ToVector512Unsafe()) << 16).AsSingle();
}
