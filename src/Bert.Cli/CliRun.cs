using System.CommandLine;
using Bert.Hub;

namespace Bert.Cli;

/// <summary>A usage mistake the parser cannot see (e.g. no input text): exit code 1.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Runs one command's body: errors become one line on stderr and an exit code; the stack only with --verbose.</summary>
internal static class CliRun
{
    public const int Ok = 0, Usage = 1, Failed = 2;

    /// <summary>Sets <paramref name="command"/>'s action to <paramref name="body"/> wrapped in the error policy.</summary>
    public static void Action(Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, ct) => GuardAsync(parse, ct, body));

    private static async Task<int> GuardAsync(ParseResult parse, CancellationToken ct, Func<ParseResult, CancellationToken, Task<int>> body)
    {
        bool verbose = parse.GetValue(CommonOptions.Verbose);
        try
        {
            return await body(parse, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("error: cancelled.");
            return Failed;
        }
        catch (Exception e)
        {
            ProgressBar.Clear();
            Console.Error.WriteLine(verbose ? "error: " + e : "error: " + OneLine(e));
            return e is UsageException ? Usage : Failed;
        }
    }

    // The message alone; for unexpected exception types also the type, which says more than a bare message.
    private static string OneLine(Exception e)
    {
        string message = e.Message.ReplaceLineEndings(" ");
        return e is UsageException or ArgumentException or BertFormatException or HubException or IOException
            or InvalidOperationException or UnauthorizedAccessException or FormatException or NotSupportedException
            ? message
            : $"{e.GetType().Name}: {message} (run with --verbose for details)";
    }
}
