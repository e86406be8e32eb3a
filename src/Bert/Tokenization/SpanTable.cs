using System.Runtime.CompilerServices;

namespace Bert.Tokenization;

/// <summary>
/// Immutable open-addressing hash map from a char span to an id. Why not Dictionary&lt;string,int&gt;: WordPiece
/// probes many substrings of a word, and this table is probed with a span and an incrementally computed hash, so no
/// substring is ever allocated and no prefix ("##" + piece) is ever concatenated.
/// </summary>
internal sealed class SpanTable
{
    private readonly int[] _slots;          // entry index + 1, 0 = empty; length is a power of two
    private readonly Entry[] _entries;      // why one struct array: a probe touches one cache line, not four
    private readonly char[] _chars;         // all keys back to back
    private readonly int _mask;
    private readonly int _shift;            // 32 - log2(capacity)
    private readonly ulong[] _lengths;      // bit n set when some key has n chars: lets WordPiece skip absent lengths

    /// <summary>Builds the table. Keys must be distinct.</summary>
    public SpanTable(IReadOnlyList<(string Key, int Value)> entries)
    {
        int capacity = 16;
        while (capacity < entries.Count * 2) capacity <<= 1;   // load factor <= 0.5 keeps probe chains short
        _slots = new int[capacity];
        _mask = capacity - 1;
        _shift = 32 - System.Numerics.BitOperations.Log2((uint)capacity);
        _entries = new Entry[entries.Count];
        long total = 0;
        foreach (var (key, _) in entries) total += key.Length;
        _chars = new char[total];
        int pos = 0;
        foreach (var (key, _) in entries) MaxKeyLength = Math.Max(MaxKeyLength, key.Length);
        _lengths = new ulong[MaxKeyLength / 64 + 1];
        for (int e = 0; e < entries.Count; e++)
        {
            var (key, value) = entries[e];
            key.CopyTo(_chars.AsSpan(pos));
            uint hash = Hash(key);
            _entries[e] = new Entry(hash, pos, key.Length, value);
            pos += key.Length;
            _lengths[key.Length >> 6] |= 1UL << key.Length;
            int slot = Slot(hash);
            while (_slots[slot] != 0) slot = (slot + 1) & _mask;
            _slots[slot] = e + 1;
        }
    }

    /// <summary>Length in chars of the longest key (no longer span can match).</summary>
    public int MaxKeyLength { get; }

    /// <summary>Hash of an empty key; extend with <see cref="Step"/>.</summary>
    /// <summary>True when some key has exactly <paramref name="length"/> chars (0 ≤ length ≤ <see cref="MaxKeyLength"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HasLength(int length) => (_lengths[length >> 6] & (1UL << length)) != 0;

    public const uint Seed = 2166136261;

    /// <summary>One FNV-1a step: hash(key + c) = Step(hash(key), c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Step(uint hash, char c) => (hash ^ c) * 16777619;

    /// <summary>Hash of a whole key.</summary>
    public static uint Hash(ReadOnlySpan<char> key)
    {
        uint h = Seed;
        foreach (char c in key) h = Step(h, c);
        return h;
    }

    /// <summary>Looks up <paramref name="key"/> whose <see cref="Hash"/> is <paramref name="hash"/>; -1 if absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<char> key, uint hash)
    {
        int slot = Slot(hash);
        while (true)
        {
            int e = _slots[slot] - 1;
            if (e < 0) return -1;
            ref readonly var entry = ref _entries[e];
            if (entry.Hash == hash && entry.Length == key.Length && key.SequenceEqual(_chars.AsSpan(entry.Start, key.Length)))
                return entry.Value;
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Looks up <paramref name="key"/>; -1 if absent.</summary>
    public int Find(ReadOnlySpan<char> key) => Find(key, Hash(key));

    private readonly record struct Entry(uint Hash, int Start, int Length, int Value);

    // Why Fibonacci hashing (top bits of h * 2^32/phi): FNV's low bits are weak for power-of-two tables.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(uint h) => (int)((h * 0x9E3779B1u) >> _shift);
}
