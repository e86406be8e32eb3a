using System.CommandLine;
using System.Globalization;
using Bert.Cli.Evaluation;
using Bert.Cli.Output;
using Bert.Evaluation;

namespace Bert.Cli.Commands;

/// <summary><c>bert eval</c>: runs a checkpoint over a labelled JSONL/CSV file and prints the task's metrics
/// (classification: accuracy and P/R/F1; NER: seqeval entity P/R/F1; QA: SQuAD exact match and F1).</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var revision = CommonOptions.Revision();
        var data = new Option<string>("--data", "-d")
        {
            Description = "Labelled file: JSON lines ({\"text\",\"label\"[,\"text_pair\"]}, {\"tokens\",\"tags\"}, {\"question\",\"context\",\"answers\"}) or CSV with text,label[,text_pair].",
            Required = true,
        };
        var task = new Option<EvalTask?>("--task") { Description = "Classify, Ner or Qa (default: from the first record's fields)." };
        var command = new Command("eval", "Evaluate a checkpoint on labelled data and print its metrics.") { model, revision, data, task };
        CliRun.Action(command, async (parse, ct) =>
        {
            var (kind, records) = EvalFile.Read(parse.GetRequiredValue(data), parse.GetValue(task));
            using var bert = await ModelSource.LoadAsync(parse, model, revision, ct);
            bool json = parse.GetValue(CommonOptions.Json);
            switch (kind)
            {
                case EvalTask.Classify:
                    var report = await EvalRunner.ClassifyAsync(bert, records, ct);
                    if (json) JsonLines.Write(new { Task = "classify", Count = records.Count, report.Accuracy, report.Micro, report.Macro, report.Weighted, report.PerClass, report.Labels, report.ConfusionMatrix });
                    else PrintClassification(records.Count, report);
                    break;
                case EvalTask.Ner:
                    var entities = await EvalRunner.NerAsync(bert, records, ct);
                    if (json) JsonLines.Write(new { Task = "ner", Count = records.Count, entities.Micro, entities.Macro, entities.Weighted, entities.TokenAccuracy, entities.PerType });
                    else PrintEntities(records.Count, entities);
                    break;
                default:
                    var squad = await EvalRunner.QaAsync(bert, records, ct);
                    if (json) JsonLines.Write(new { Task = "qa", squad.Count, squad.ExactMatch, squad.F1 });
                    else Console.Out.WriteLine($"qa: {squad.Count} questions  exact match {F(squad.ExactMatch, 2)}  F1 {F(squad.F1, 2)} (percent, SQuAD v1.1)");
                    break;
            }
            return CliRun.Ok;
        });
        return command;
    }

    private static void PrintClassification(int count, ClassificationReport r)
    {
        Console.Out.WriteLine($"classify: {count} examples  accuracy {F(r.Accuracy)}  macro F1 {F(r.Macro.F1)}  weighted F1 {F(r.Weighted.F1)}");
        PrintRows(r.PerClass);
    }

    private static void PrintEntities(int count, EntityReport r)
    {
        Console.Out.WriteLine($"ner: {count} sentences  entity precision {F(r.Micro.Precision)}  recall {F(r.Micro.Recall)}  F1 {F(r.Micro.F1)}  token accuracy {F(r.TokenAccuracy)}");
        PrintRows(r.PerType);
    }

    private static void PrintRows(IReadOnlyList<ClassMetrics> rows)
    {
        Console.Out.WriteLine($"  {"label",-16} {"precision",9} {"recall",9} {"f1",9} {"support",8}");
        foreach (var c in rows) Console.Out.WriteLine($"  {c.Label,-16} {F(c.Precision),9} {F(c.Recall),9} {F(c.F1),9} {c.Support,8}");
    }

    private static string F(double value, int digits = 4) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
