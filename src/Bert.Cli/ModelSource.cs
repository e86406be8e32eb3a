using System.CommandLine;
using Bert.Hub;
using Bert.Tokenization;

namespace Bert.Cli;

/// <summary>Turns <c>--model</c> (a folder or a hub id) into a local folder, downloading with a progress bar on stderr.</summary>
internal static class ModelSource
{
    /// <summary>The folder for the command's <c>--model</c>/<c>--revision</c>.</summary>
    public static async Task<string> ResolveAsync(string model, string? revision, CancellationToken ct)
    {
        if (Directory.Exists(model)) return model;
        if (File.Exists(model)) throw new ArgumentException($"--model: '{model}' is a file; give the folder that holds config.json.");
        if (Path.IsPathRooted(model) || model.Contains('\\') || !BertHub.IsModelId(model))
            throw new ArgumentException($"--model: no folder '{model}', and it is not a hub model id (org/name).");
        try
        {
            return await BertHub.DownloadAsync(model, revision, HubOptions.FromEnvironment(), ProgressBar.ForDownload(), ct).ConfigureAwait(false);
        }
        catch (HubException e) when (e.Kind is HubErrorKind.RepositoryNotFound or HubErrorKind.Network or HubErrorKind.NotCached)
        {
            // The value may have been meant as a local folder: say that there is none before the hub's answer.
            throw new HubException(e.Kind, $"--model: no folder '{model}' here; as a hub id: {e.Message}", e.StatusCode, e);
        }
        finally
        {
            ProgressBar.Clear();
        }
    }

    /// <summary>Loads the model of <c>--model</c>.</summary>
    public static async Task<BertModel> LoadAsync(ParseResult parse, Option<string> model, Option<string?> revision, CancellationToken ct) =>
        BertModel.Load(await ResolveAsync(parse.GetRequiredValue(model), parse.GetValue(revision), ct).ConfigureAwait(false));

    /// <summary>Loads only the tokenizer of <c>--model</c>.</summary>
    public static async Task<BertTokenizer> LoadTokenizerAsync(ParseResult parse, Option<string> model, Option<string?> revision, CancellationToken ct) =>
        BertTokenizer.Load(await ResolveAsync(parse.GetRequiredValue(model), parse.GetValue(revision), ct).ConfigureAwait(false));

    /// <summary>The model's tokenizer, or a clear error when the folder has none.</summary>
    public static BertTokenizer RequireTokenizer(BertModel model) =>
        model.Tokenizer ?? throw new InvalidOperationException("The model folder has no tokenizer (tokenizer.json or vocab.txt).");
}
