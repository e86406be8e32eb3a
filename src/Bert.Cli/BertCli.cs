using System.CommandLine;
using Bert.Cli.Commands;

namespace Bert.Cli;

/// <summary>The <c>bert</c> command: one subcommand per task, parsed by System.CommandLine, run through <see cref="CliRun"/>.</summary>
public static class BertCli
{
    /// <summary>Parses and runs a command line; returns the process exit code (0 ok, 1 usage, 2 input or model error).</summary>
    /// <param name="args">The arguments after the command name.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("BERT inference from the command line: embeddings, classification, fill-mask and more, "
            + "on a local Hugging Face folder or a hub model id (downloaded into the huggingface_hub cache).")
        {
            CommonOptions.Json, CommonOptions.Verbose,
            DownloadCommand.Create(), TokenizeCommand.Create(), EncodeCommand.Create(), SimilarityCommand.Create(),
            ClassifyCommand.Create(), RerankCommand.Create(), FillMaskCommand.Create(), NerCommand.Create(), QaCommand.Create(), EvalCommand.Create(), BenchCommand.Create(),
            ImportOnnxCommand.Create(), MakeModelCommand.Create(), ServeCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            // One line per problem on stderr and a pointer to the help, instead of the whole help text.
            foreach (var error in parse.Errors) Console.Error.WriteLine("error: " + error.Message);
            Console.Error.WriteLine($"Run '{string.Join(' ', ["bert", .. CommandPath(parse.CommandResult.Command)])} --help' for usage.");
            return CliRun.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
    }

    private static IEnumerable<string> CommandPath(Command command) =>
        command is RootCommand ? [] : [.. command.Parents.OfType<Command>().SelectMany(CommandPath), command.Name];
}
