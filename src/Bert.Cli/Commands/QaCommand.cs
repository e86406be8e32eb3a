using System.CommandLine;
using System.Globalization;
using Bert.Cli.Output;
using Bert.Pipelines;

namespace Bert.Cli.Commands;

/// <summary><c>bert qa</c>: extractive question answering: the answer span of a context.</summary>
internal static class QaCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var question = new Option<string>("--question", "-q") { Description = "The question.", Required = true };
        var context = new Option<string?>("--context", "-c") { Description = "The text to find the answer in." };
        var contextFile = new Option<string?>("--context-file") { Description = "Read the context from this file ('-' for stdin)." };
        var topK = new Option<int>("--top-k", "-k") { Description = "Answers to print (default 1).", DefaultValueFactory = _ => 1 };
        var maxAnswer = new Option<int>("--max-answer-length") { Description = "Longest answer in tokens (default 15).", DefaultValueFactory = _ => 15 };
        var command = new Command("qa", "Answer a question from a context with a question-answering checkpoint.") { model, revision, question, context, contextFile, topK, maxAnswer };
        CliRun.Action(command, async (parse, ct) =>
        {
            string text = ReadContext(parse.GetValue(context), parse.GetValue(contextFile));
            int k = parse.GetValue(topK), max = parse.GetValue(maxAnswer);
            if (k < 1 || max < 1) throw new UsageException("--top-k and --max-answer-length must be at least 1.");
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            var answers = await bert.AnswerQuestionAsync(parse.GetRequiredValue(question), text, new QuestionAnsweringOptions { TopK = k, MaxAnswerLength = max }, ct);
            bool json = parse.GetValue(CommonOptions.Json);
            foreach (var a in answers)
            {
                if (json) JsonLines.Write(a);
                else Console.Out.WriteLine($"{a.Score.ToString("F4", CultureInfo.InvariantCulture)}  [{a.Start},{a.End})  {Text.Clip(a.Answer, 70)}");
            }
            return CliRun.Ok;
        });
        return command;
    }

    private static string ReadContext(string? context, string? file)
    {
        if (context is not null && file is not null) throw new UsageException("Give --context or --context-file, not both.");
        if (context is not null) return context;
        if (file is "-") return Console.In.ReadToEnd();
        if (file is null) throw new UsageException("qa needs --context <text> or --context-file <file>.");
        var info = new FileInfo(file);
        if (!info.Exists) throw new ArgumentException($"--context-file: '{file}' does not exist.");
        if (info.Length > 64 << 20) throw new ArgumentException($"--context-file: '{file}' is larger than 64 MiB.");
        return File.ReadAllText(file);
    }
}
