using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bert.Tokenization;

/// <summary>
/// The fast path: a run of chars that are all fast (<see cref="FastCharTable"/>: ASCII and the simple chars below
/// U+20D0, e.g. precomposed Latin, Greek, Cyrillic, Hebrew, Arabic letters, general punctuation) is tokenised in two passes. Pass 1 classifies the run 16 chars at a time (SIMD on blocks of
/// printable ASCII, the table elsewhere) into bit sets of word and punctuation positions and writes each normalised
/// char as one byte (0x80 for a normalised char that is not ASCII). Pass 2 walks the bit sets: a punctuation char is
/// one precomputed id; an ASCII word of up to 16 chars is looked up packed (<see cref="AsciiKeyTable"/>), whole or
/// by greedy WordPiece; other words go through <see cref="WordPiece"/> on their normalised chars.
/// A run ends before a char that is not fast, and is cut back to its last whitespace unless what follows it is a
/// separator (whitespace, CJK, the segment end): the chunk holding a slow char goes whole to the exact path, since
/// NFC may join it to the fast chars before it.
/// </summary>
internal sealed partial class TokenizerCore
{
    // Longest stretch one run reads: bounds its stack buffers (1 KB of bytes, 2 × 17 words of bits).
    private const int RunWindow = 1024;
    private const int BitWords = RunWindow / 64 + 1;
    private const ulong HighBits = 0x8080808080808080UL;

    /// <summary>
    /// Tokenises the run of fast chars starting at <paramref name="i"/>; returns where it stopped (<paramref name="i"/>
    /// when it did nothing). <paramref name="stopped"/> is set when the sink asked to stop.
    /// </summary>
    [SkipLocalsInit]
    private int FastRun<TSink>(ReadOnlySpan<char> text, int i, ref TokenizerScratch? scratch, ref TSink sink, out bool stopped)
        where TSink : ITokenSink, allows ref struct
    {
        stopped = false;
        Span<byte> bytes = stackalloc byte[RunWindow + 32];   // + 32: packed loads read 16 bytes from up to 15 past a word start
        var window = text.Slice(i, Math.Min(text.Length - i, RunWindow));
        Span<ulong> words = stackalloc ulong[BitWords];
        Span<ulong> punctuation = stackalloc ulong[BitWords];
        for (int w = 0; w <= window.Length >> 6; w++) words[w] = punctuation[w] = 0;   // only the words the passes touch
        int end = ClassifyRun(window, bytes, words, punctuation);
        if (i + end < text.Length && !SeparatesAt(text, i + end)) end = LastSpace(words, punctuation, end);
        if (end <= 0) return i;
        stopped = !EmitRun(window[..end], i, bytes, words, punctuation, ref scratch, ref sink);
        return i + end;
    }

    /// <summary>Pass 1 over <paramref name="window"/>; returns the length of its prefix of fast chars.</summary>
    private int ClassifyRun(ReadOnlySpan<char> window, Span<byte> bytes, Span<ulong> words, Span<ulong> punctuation)
    {
        var entries = _fastChars.Entries;
        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(window));
        ref byte destination = ref MemoryMarshal.GetReference(bytes);
        int n = window.Length;
        // k is a multiple of 16 at the top of the loop, so a block's 16 bits never straddle two words.
        for (int k = 0; k < n;)
        {
            if (_vectorize && k + 16 <= n &&
                AsciiBlock(Vector256.LoadUnsafe(ref source, (nuint)k), _lowerCase, ref Unsafe.Add(ref destination, k), out uint w, out uint p))
            {
                words[k >> 6] |= (ulong)w << (k & 63);
                punctuation[k >> 6] |= (ulong)p << (k & 63);
                k += 16;
                continue;
            }
            // The last 1–15 chars: one block ending at n, overlapping chars already done (they get the same bits and bytes again).
            if (_vectorize && k + 16 > n && n >= 16 &&
                AsciiBlock(Vector256.LoadUnsafe(ref source, (nuint)(n - 16)), _lowerCase, ref Unsafe.Add(ref destination, n - 16), out w, out p))
            {
                SetBits(words, n - 16, w);
                SetBits(punctuation, n - 16, p);
                return n;
            }
            for (int blockEnd = Math.Min(n, k + 16); k < blockEnd; k++)
            {
                char c = window[k];
                uint entry = c < FastCharTable.Limit ? entries[c] : 0;
                var kind = (FastKind)(entry >> 16);
                if (kind == FastKind.None) return k;
                char mapped = (char)entry;
                bytes[k] = mapped < 128 ? (byte)mapped : (byte)0x80;
                if (kind == FastKind.Word) words[k >> 6] |= 1UL << k;
                else if (kind == FastKind.Punctuation) punctuation[k >> 6] |= 1UL << k;
            }
        }
        return n;
    }

    /// <summary>ORs 16 bits into a bit set at any position (they may straddle two words).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetBits(Span<ulong> set, int at, uint bits)
    {
        int shift = at & 63;
        set[at >> 6] |= (ulong)bits << shift;
        if (shift > 48) set[(at >> 6) + 1] |= (ulong)bits >> (64 - shift);
    }

    /// <summary>
    /// 16 chars at once when all are printable ASCII or \t \n \r (where the ASCII table and <see cref="FastCharTable"/>
    /// agree for every setting): word chars are letters and digits, whitespace is ' ' \t \n \r, the rest of 0x21–0x7E
    /// is punctuation (HF's ASCII ranges 33–47, 58–64, 91–96, 123–126). Writes the (lower-cased) bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AsciiBlock(Vector256<ushort> v, bool lowerCase, ref byte destination, out uint words, out uint punctuation)
    {
        var printable = Vector256.LessThan(v - Vector256.Create((ushort)0x20), Vector256.Create((ushort)0x5F));
        var space = Vector256.Equals(v, Vector256.Create((ushort)' ')) | Vector256.Equals(v, Vector256.Create((ushort)'\t')) |
            Vector256.Equals(v, Vector256.Create((ushort)'\n')) | Vector256.Equals(v, Vector256.Create((ushort)'\r'));
        if ((printable | space) != Vector256<ushort>.AllBitsSet)
        {
            words = punctuation = 0;
            return false;
        }
        var letter = Vector256.LessThan((v | Vector256.Create((ushort)0x20)) - Vector256.Create((ushort)'a'), Vector256.Create((ushort)26));
        var word = letter | Vector256.LessThan(v - Vector256.Create((ushort)'0'), Vector256.Create((ushort)10));
        if (lowerCase)
            v += Vector256.LessThan(v - Vector256.Create((ushort)'A'), Vector256.Create((ushort)26)) & Vector256.Create((ushort)0x20);
        Vector128.Narrow(v.GetLower(), v.GetUpper()).StoreUnsafe(ref destination);
        words = word.ExtractMostSignificantBits();
        punctuation = Vector256.AndNot(printable, word | space).ExtractMostSignificantBits();
        return true;
    }

    /// <summary>Index of the last whitespace char before <paramref name="end"/> (every fast char that is neither word nor punctuation), or -1.</summary>
    private static int LastSpace(ReadOnlySpan<ulong> words, ReadOnlySpan<ulong> punctuation, int end)
    {
        for (int w = (end - 1) >> 6; w >= 0; w--)
        {
            ulong valid = (end - (w << 6)) >= 64 ? ulong.MaxValue : (1UL << (end - (w << 6))) - 1;
            ulong spaces = ~(words[w] | punctuation[w]) & valid;
            if (spaces != 0) return (w << 6) + 63 - BitOperations.LeadingZeroCount(spaces);
        }
        return -1;
    }

    /// <summary>Pass 2: the tokens of a classified run whose first char is text index <paramref name="offset"/>.</summary>
    private bool EmitRun<TSink>(ReadOnlySpan<char> run, int offset, scoped Span<byte> bytes, scoped ReadOnlySpan<ulong> words,
        scoped ReadOnlySpan<ulong> punctuation, ref TokenizerScratch? scratch, ref TSink sink) where TSink : ITokenSink, allows ref struct
    {
        int n = run.Length;
        for (int pos = NextToken(words, punctuation, 0, n); pos < n; pos = NextToken(words, punctuation, pos, n))
        {
            if ((punctuation[pos >> 6] & (1UL << pos)) != 0)
            {
                if (!sink.Add(_fastPunctuationIds[run[pos]], offset + pos, offset + pos + 1)) return false;
                pos++;
                continue;
            }
            int end = NextNonWord(words, pos, n);
            if (!FastWord(run, offset, pos, end, bytes, ref scratch, ref sink)) return false;
            pos = end;
        }
        return true;
    }

    /// <summary>First word or punctuation position at or after <paramref name="pos"/>, or <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextToken(ReadOnlySpan<ulong> words, ReadOnlySpan<ulong> punctuation, int pos, int n)
    {
        int w = pos >> 6;
        ulong bits = (words[w] | punctuation[w]) & (ulong.MaxValue << pos);
        while (bits == 0)
        {
            if (++w << 6 >= n) return n;
            bits = words[w] | punctuation[w];
        }
        return Math.Min((w << 6) + BitOperations.TrailingZeroCount(bits), n);
    }

    /// <summary>First position at or after <paramref name="pos"/> that is not a word char, or <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextNonWord(ReadOnlySpan<ulong> words, int pos, int n)
    {
        int w = pos >> 6;
        ulong bits = ~words[w] & (ulong.MaxValue << pos);
        while (bits == 0)
        {
            if (++w << 6 >= n) return n;
            bits = ~words[w];
        }
        return Math.Min((w << 6) + BitOperations.TrailingZeroCount(bits), n);
    }

    /// <summary>The word at run positions [start, end): packed lookup when it is short ASCII, else WordPiece on its chars.</summary>
    private bool FastWord<TSink>(ReadOnlySpan<char> run, int offset, int start, int end, scoped Span<byte> bytes,
        ref TokenizerScratch? scratch, ref TSink sink) where TSink : ITokenSink, allows ref struct
    {
        int length = end - start;
        if (length > _wordPiece.MaxInputCharsPerWord) return sink.Add(_unkId, offset + start, offset + end);
        if (length <= AsciiKeyTable.MaxChars)
        {
            ref byte first = ref bytes[start];
            AsciiKeyTable.Load(ref first, length, out ulong lo, out ulong hi);
            if (((lo | hi) & HighBits) == 0)
            {
                int id = _asciiInitial.Find(lo, hi);
                if (id >= 0) return sink.Add(id, offset + start, offset + end);
                return PackedPieces(ref first, length, offset + start, ref sink);
            }
        }
        return MappedWord(run, offset, start, end, Scratch(ref scratch), ref sink);
    }

    /// <summary>
    /// Greedy longest-match-first WordPiece on a packed ASCII word (as <see cref="WordPiece.Encode"/>, whose tables
    /// hold the same short ASCII keys): at each start the longest key present, else the whole word is [UNK].
    /// </summary>
    [SkipLocalsInit]
    private bool PackedPieces<TSink>(scoped ref byte word, int length, int offset, ref TSink sink) where TSink : ITokenSink, allows ref struct
    {
        Span<int> pieces = stackalloc int[2 * AsciiKeyTable.MaxChars];   // (id, end) per piece
        int count = 0;
        for (int start = 0; start < length;)
        {
            var table = start == 0 ? _asciiInitial : _asciiContinuation;
            // At start 0 the whole word was just probed and missed.
            int take = Math.Min(start == 0 ? length - 1 : length - start, table.MaxKeyLength);
            int id = -1;
            for (; take > 0; take--)
            {
                if (!table.HasLength(take)) continue;
                AsciiKeyTable.Load(ref Unsafe.Add(ref word, start), take, out ulong lo, out ulong hi);
                if ((id = table.Find(lo, hi)) >= 0) break;
            }
            if (id < 0) return sink.Add(_unkId, offset, offset + length);   // one unmatchable position spoils the word
            pieces[2 * count] = id;
            pieces[2 * count + 1] = start + take;
            count++;
            start += take;
        }
        for (int p = 0, start = 0; p < count; p++)
        {
            int end = pieces[2 * p + 1];
            if (!sink.Add(pieces[2 * p], offset + start, offset + end)) return false;
            start = end;
        }
        return true;
    }

    /// <summary>A word that is long or has a normalised char outside ASCII: <see cref="WordPiece.Encode"/> on its normalised chars.</summary>
    private bool MappedWord<TSink>(ReadOnlySpan<char> run, int offset, int start, int end, TokenizerScratch scratch, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        int length = end - start;   // ≤ MaxInputCharsPerWord, so it fits the scratch; one char per code point here
        var entries = _fastChars.Entries;
        var word = scratch.Word;
        var starts = scratch.WordStarts;
        var ends = scratch.WordEnds;
        for (int k = 0; k < length; k++)
        {
            word[k] = (char)entries[run[start + k]];
            starts[k] = offset + start + k;
            ends[k] = offset + start + k + 1;
        }
        return _wordPiece.Encode(word.AsSpan(0, length), length, starts, ends, scratch.Pieces, ref sink);
    }
}
