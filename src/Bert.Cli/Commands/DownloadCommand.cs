using System.CommandLine;
using Bert.Cli.Output;
using Bert.Hub;

namespace Bert.Cli.Commands;

/// <summary><c>bert download org/name</c>: resolves a hub model into the huggingface_hub cache and prints its folder.</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("model-id") { Description = "Hub model id, e.g. sentence-transformers/all-MiniLM-L6-v2." };
        var revision = CommonOptions.Revision();
        var command = new Command("download", "Download the files a BERT folder needs into the huggingface_hub cache and print the folder.") { id, revision };
        CliRun.Action(command, async (parse, ct) =>
        {
            string model = parse.GetRequiredValue(id);
            string folder = await ModelSource.ResolveAsync(model, parse.GetValue(revision), ct);
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();
            if (parse.GetValue(CommonOptions.Json))
                JsonLines.Write(new { Model = model, Revision = parse.GetValue(revision) ?? BertHub.DefaultRevision, Folder = folder, Files = files });
            else
                Console.Out.WriteLine(folder);
            return CliRun.Ok;
        });
        return command;
    }
}
