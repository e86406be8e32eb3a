namespace Bert.Tokenization;

/// <summary>Collects ids and offsets into growable arrays.</summary>
internal struct ListSink : ITokenSink
{
    public int[] Ids;
    public int[] Starts;
    public int[] Ends;
    public int Count;

    public static bool UsesOffsets => true;

    public ListSink(int capacity)
    {
        Ids = new int[capacity];
        Starts = new int[capacity];
        Ends = new int[capacity];
        Count = 0;
    }

    public bool Add(int id, int start, int end)
    {
        if (Count == Ids.Length)
        {
            int size = Math.Max(16, Ids.Length * 2);
            Array.Resize(ref Ids, size);
            Array.Resize(ref Starts, size);
            Array.Resize(ref Ends, size);
        }
        Ids[Count] = id;
        Starts[Count] = start;
        Ends[Count] = end;
        Count++;
        return true;
    }
}

/// <summary>Writes ids into a caller's span; stops (and records truncation) when it is full.</summary>
internal ref struct SpanSink : ITokenSink
{
    private readonly Span<int> _ids;
    public int Count;
    public bool Truncated;

    public static bool UsesOffsets => false;

    public SpanSink(Span<int> ids)
    {
        _ids = ids;
        Count = 0;
        Truncated = false;
    }

    public bool Add(int id, int start, int end)
    {
        if (Count == _ids.Length)
        {
            Truncated = true;
            return false;
        }
        _ids[Count++] = id;
        return true;
    }
}

/// <summary>Counts tokens.</summary>
internal struct CountSink : ITokenSink
{
    public int Count;

    public static bool UsesOffsets => false;

    public bool Add(int id, int start, int end)
    {
        Count++;
        return true;
    }
}
