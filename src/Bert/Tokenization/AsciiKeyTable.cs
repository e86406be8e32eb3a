using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Bert.Tokenization;

/// <summary>
/// Open-addressing map from a short ASCII key (1–16 chars, no NUL) to an id, the key packed one byte per char into
/// two 64-bit words (char k in byte k, unused bytes zero). Why: the tokenizer's fast path already holds each word as
/// lower-cased bytes, so a probe is two masked loads, one multiply and a 16-byte compare, with no per-char hashing
/// and no string. Packing is injective on such keys (no NUL, so the zero bytes mark the end), so equality of the
/// packed words is equality of the keys. Keys of the vocabulary that are longer, not ASCII or contain NUL are left
/// out: the fast path never probes such a key (it only probes NUL-free ASCII spans of ≤ 16 chars), and longer words
/// go to <see cref="SpanTable"/>, which holds every key.
/// </summary>
internal sealed class AsciiKeyTable
{
    /// <summary>Longest key held.</summary>
    public const int MaxChars = 16;

    private readonly Entry[] _entries;   // power-of-two length; Lo == 0 marks an empty slot (no key packs to 0)
    private readonly int _mask;
    private readonly int _shift;         // 64 - log2(capacity)
    private readonly uint _lengths;      // bit n set when some key has n chars

    /// <summary>Builds the table from the keys that qualify (see the class remarks); others are skipped.</summary>
    public AsciiKeyTable(IEnumerable<(string Key, int Value)> entries)
    {
        var packed = new List<(ulong Lo, ulong Hi, int Value)>();
        foreach (var (key, value) in entries)
        {
            if (!TryPack(key, out ulong lo, out ulong hi)) continue;
            packed.Add((lo, hi, value));
            _lengths |= 1u << key.Length;
            MaxKeyLength = Math.Max(MaxKeyLength, key.Length);
        }
        int capacity = 16;
        while (capacity < packed.Count * 2) capacity <<= 1;   // load factor ≤ 0.5: short chains, also for misses
        _entries = new Entry[capacity];
        _mask = capacity - 1;
        _shift = 64 - BitOperations.Log2((uint)capacity);
        foreach (var (lo, hi, value) in packed)
        {
            int slot = Slot(lo, hi);
            while (_entries[slot].Lo != 0) slot = (slot + 1) & _mask;
            _entries[slot] = new Entry(lo, hi, value);
        }
    }

    /// <summary>Length in chars of the longest key held (0 when empty).</summary>
    public int MaxKeyLength { get; }

    /// <summary>True when some key has exactly <paramref name="length"/> chars (0 ≤ length ≤ 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HasLength(int length) => (_lengths & (1u << length)) != 0;

    /// <summary>Packs a key of 1–16 chars in 1..127; false for any other key.</summary>
    public static bool TryPack(ReadOnlySpan<char> key, out ulong lo, out ulong hi)
    {
        lo = hi = 0;
        if (key.Length is 0 or > MaxChars) return false;
        for (int k = 0; k < key.Length; k++)
        {
            if (key[k] is '\0' or > '\u007f') return false;
            if (k < 8) lo |= (ulong)key[k] << (8 * k);
            else hi |= (ulong)key[k] << (8 * (k - 8));
        }
        return true;
    }

    /// <summary>
    /// Packed key of the <paramref name="length"/> (1–16) bytes at <paramref name="source"/>: reads 16 bytes, so 16
    /// bytes from there must be readable; bytes past the key are masked off.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load(ref byte source, int length, out ulong lo, out ulong hi)
    {
        lo = KeepLowBytes(Unsafe.ReadUnaligned<ulong>(ref source), length);
        hi = KeepLowBytes(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, 8)), length - 8);
    }

    /// <summary>Id of the packed key, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ulong lo, ulong hi)
    {
        ref Entry entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        int slot = Slot(lo, hi);
        while (true)
        {
            ref Entry e = ref Unsafe.Add(ref entries, slot);   // slot is masked to the array's power-of-two length
            if (e.Lo == lo && e.Hi == hi) return e.Value;
            if (e.Lo == 0) return -1;
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>The low <paramref name="bytes"/> bytes of <paramref name="value"/> (all of it from 8 up, none at 0 or below).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong KeepLowBytes(ulong value, int bytes)
    {
        if (bytes <= 0) return 0;
        if (Bmi2.X64.IsSupported) return Bmi2.X64.ZeroHighBits(value, (uint)bytes * 8);   // bzhi keeps all from index 64 up
        return KeepLowBytesPortable(value, bytes);
    }

    /// <summary><see cref="KeepLowBytes"/> without BMI2 (1 ≤ <paramref name="bytes"/>).</summary>
    internal static ulong KeepLowBytesPortable(ulong value, int bytes) => bytes >= 8 ? value : value & ((1UL << (bytes * 8)) - 1);

    // Why a multiply and the top bits (Fibonacci hashing): every key byte reaches the slot bits in one multiply.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong lo, ulong hi) => (int)(((lo ^ BitOperations.RotateLeft(hi * 0xC2B2AE3D27D4EB4FUL, 31)) * 0x9E3779B97F4A7C15UL) >> _shift);

    private readonly record struct Entry(ulong Lo, ulong Hi, int Value);
}
