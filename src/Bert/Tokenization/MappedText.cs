namespace Bert.Tokenization;

/// <summary>
/// A growable UTF-16 buffer where every char remembers the range [Start, End) of original-text chars it came from.
/// Normalisation steps read one MappedText and write another, so offsets survive lower-casing, NFC and NFD.
/// </summary>
internal sealed class MappedText
{
    public char[] Chars = new char[64];
    public int[] Starts = new int[64];
    public int[] Ends = new int[64];
    public int Length;

    public ReadOnlySpan<char> Span => Chars.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void EnsureCapacity(int capacity)
    {
        if (capacity <= Chars.Length) return;
        int size = Math.Max(capacity, Chars.Length * 2);
        Array.Resize(ref Chars, size);
        Array.Resize(ref Starts, size);
        Array.Resize(ref Ends, size);
    }

    public void Append(char c, int start, int end)
    {
        if (Length == Chars.Length) EnsureCapacity(Length + 1);
        Chars[Length] = c;
        Starts[Length] = start;
        Ends[Length] = end;
        Length++;
    }

    /// <summary>Appends chars that all map to [start, end).</summary>
    public void Append(ReadOnlySpan<char> chars, int start, int end)
    {
        EnsureCapacity(Length + chars.Length);
        chars.CopyTo(Chars.AsSpan(Length));
        Starts.AsSpan(Length, chars.Length).Fill(start);
        Ends.AsSpan(Length, chars.Length).Fill(end);
        Length += chars.Length;
    }

    /// <summary>Releases buffers grown by a huge input so a thread does not keep megabytes alive.</summary>
    public void Trim(int maxKeep)
    {
        if (Chars.Length <= maxKeep) return;
        Chars = new char[64];
        Starts = new int[64];
        Ends = new int[64];
        Length = 0;
    }
}

/// <summary>Per-thread scratch space of the tokenizer (why: the span API must not allocate per call).</summary>
internal sealed class TokenizerScratch
{
    [ThreadStatic] private static TokenizerScratch? t_current;

    public readonly MappedText Source = new();
    public readonly MappedText A = new();
    public readonly MappedText B = new();
    public char[] Temp = new char[256];
    public char[] Word = new char[128];
    public int[] WordStarts = new int[128];
    public int[] WordEnds = new int[128];
    public int[] Pieces = new int[256];

    /// <summary>The calling thread's scratch, sized for words of up to <paramref name="maxWordChars"/> code points.</summary>
    public static TokenizerScratch Get(int maxWordChars)
    {
        var s = t_current ??= new TokenizerScratch();
        int need = 2 * maxWordChars + 2;   // a code point is at most 2 UTF-16 chars
        if (s.Word.Length < need)
        {
            s.Word = new char[need];
            s.WordStarts = new int[need];
            s.WordEnds = new int[need];
            s.Pieces = new int[2 * need];
        }
        return s;
    }

    /// <summary>Temp buffer of at least <paramref name="length"/> chars.</summary>
    public Span<char> TempBuffer(int length)
    {
        if (Temp.Length < length) Temp = new char[Math.Max(length, Temp.Length * 2)];
        return Temp;
    }

    /// <summary>Drops buffers that a huge input made large (over 64 K chars).</summary>
    public void TrimLarge()
    {
        const int keep = 1 << 16;
        Source.Trim(keep);
        A.Trim(keep);
        B.Trim(keep);
        if (Temp.Length > keep) Temp = new char[256];
    }
}
