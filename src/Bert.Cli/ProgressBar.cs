using Bert.Hub;

namespace Bert.Cli;

/// <summary>
/// A one-line progress bar on stderr (so stdout stays machine-readable), drawn only when stderr is a terminal and at
/// most ~10 times a second.
/// </summary>
internal sealed class ProgressBar : IProgress<(long Done, long Total, string Label)>
{
    private static readonly Lock Gate = new();
    private static bool _drawn;
    private long _lastTicks;

    /// <summary>True when stderr is a terminal (the bar would only clutter a redirected log).</summary>
    public static bool Enabled => !Console.IsErrorRedirected;

    /// <summary>A bar for hub downloads, or null when disabled.</summary>
    public static IProgress<HubProgress>? ForDownload()
    {
        if (!Enabled) return null;
        var bar = new ProgressBar();
        return new SyncProgress<HubProgress>(p => bar.Report((p.BytesDone, p.TotalBytes,
            $"{p.File} ({p.FileIndex + 1}/{p.FileCount}) {p.BytesDone / 1e6:F1}/{p.TotalBytes / 1e6:F1} MB")));
    }

    /// <summary>Draws the bar for <paramref name="value"/> (throttled; the last report of a total is always drawn).</summary>
    public void Report((long Done, long Total, string Label) value)
    {
        long now = Environment.TickCount64;
        if (value.Done < value.Total && now - _lastTicks < 100) return;
        _lastTicks = now;
        double fraction = value.Total > 0 ? Math.Clamp((double)value.Done / value.Total, 0, 1) : 1;
        int width = 30, filled = (int)(fraction * width);
        string line = $"[{new string('#', filled)}{new string('.', width - filled)}] {fraction * 100,5:F1}% {value.Label}";
        int columns = Math.Max(20, SafeWindowWidth() - 1);
        if (line.Length > columns) line = line[..columns];
        lock (Gate)
        {
            Console.Error.Write("\r" + line.PadRight(columns));
            _drawn = true;
        }
    }

    /// <summary>Erases the bar so the next stderr line starts clean.</summary>
    public static void Clear()
    {
        lock (Gate)
        {
            if (!_drawn) return;
            Console.Error.Write("\r" + new string(' ', Math.Max(20, SafeWindowWidth() - 1)) + "\r");
            _drawn = false;
        }
    }

    private static int SafeWindowWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 80; }
        catch (IOException) { return 80; }
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
