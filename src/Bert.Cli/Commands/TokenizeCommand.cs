using System.CommandLine;
using Bert.Cli.Output;

namespace Bert.Cli.Commands;

/// <summary><c>bert tokenize</c>: tokens, ids, type ids and character offsets of each text.</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var texts = TextInput.Texts();
        var input = TextInput.File();
        var pair = new Option<string?>("--pair") { Description = "Second segment of a sentence pair (type id 1), applied to every text." };
        var noSpecial = new Option<bool>("--no-special-tokens") { Description = "Do not add [CLS] and [SEP]." };
        var command = new Command("tokenize", "Tokenize texts with the model's WordPiece tokenizer.") { model, revision, texts, input, pair, noSpecial };
        CliRun.Action(command, async (parse, ct) =>
        {
            var lines = TextInput.Read(parse, texts, input);
            var tokenizer = await ModelSource.LoadTokenizerAsync(parse, model, revision, ct);
            bool json = parse.GetValue(CommonOptions.Json);
            foreach (string text in lines)
            {
                var e = tokenizer.Encode(text, parse.GetValue(pair), addSpecialTokens: !parse.GetValue(noSpecial));
                if (json)
                    JsonLines.Write(new { Text = text, e.Tokens, e.Ids, e.TypeIds, Offsets = e.Offsets.Select(o => new[] { o.Start, o.End }) });
                else
                    Console.Out.WriteLine($"{Text.Clip(text, 60)} ({e.Count} tokens)\n  {string.Join(' ', e.Tokens.Zip(e.Ids, (t, i) => $"{t}/{i}"))}");
            }
            return CliRun.Ok;
        });
        return command;
    }
}
