using System.Text.Json;

namespace Bert.Cli.Evaluation;

/// <summary>
/// Reads a labelled file: JSON lines (<c>{"text","label"[,"text_pair"]}</c>, <c>{"tokens":[...],"tags":[...]}</c>,
/// <c>{"question","context","answers":[...]}</c> or SQuAD's <c>"answers":{"text":[...]}</c>) or CSV with a header row
/// naming <c>text</c>, <c>label</c> and optionally <c>text_pair</c> (classification only). Every record must fit the task
/// of the first; errors name the line.
/// </summary>
internal static class EvalFile
{
    private const long MaxBytes = 1L << 30;

    public static (EvalTask Task, List<EvalRecord> Records) Read(string path, EvalTask? task)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new ArgumentException($"--data: file '{path}' does not exist.");
        if (info.Length > MaxBytes) throw new ArgumentException($"--data: '{path}' is larger than 1 GiB.");
        var records = Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase) ? ReadCsv(path) : ReadJsonLines(path);
        if (records.Count == 0) throw new ArgumentException($"--data: '{path}' has no records.");
        var detected = task ?? Detect(records[0], path);
        foreach (var r in records) Check(r, detected, path);
        return (detected, records);
    }

    private static List<EvalRecord> ReadJsonLines(string path)
    {
        var records = new List<EvalRecord>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var doc = JsonDocument.Parse(text);
                records.Add(FromJson(doc.RootElement, line, path));
            }
            catch (JsonException e)
            {
                throw new BertFormatException(path, $"line {line}", "is not valid JSON: " + e.Message, e);
            }
        }
        return records;
    }

    private static EvalRecord FromJson(JsonElement e, int line, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new BertFormatException(path, $"line {line}", "must be a JSON object.");
        string? Str(string name) => e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => throw new BertFormatException(path, $"line {line}: {name}", "must be a string or a number."),
        } : null;
        List<string>? List(JsonElement v, string name) => v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.ValueKind == JsonValueKind.Number ? x.GetRawText()
                : throw new BertFormatException(path, $"line {line}: {name}", "must hold strings."))]
            : throw new BertFormatException(path, $"line {line}: {name}", "must be an array.");
        var tokens = e.TryGetProperty("tokens", out var t) ? List(t, "tokens") : null;
        var tags = e.TryGetProperty("tags", out var g) ? List(g, "tags") : e.TryGetProperty("ner_tags", out g) ? List(g, "ner_tags") : null;
        List<string>? answers = null;
        if (e.TryGetProperty("answers", out var a))
            answers = a.ValueKind == JsonValueKind.Object && a.TryGetProperty("text", out var at) ? List(at, "answers.text") : List(a, "answers");
        return new EvalRecord(line, Str("text") ?? Str("sentence"), Str("text_pair"), Str("label"), tokens, tags, Str("question"), Str("context"), answers);
    }

    private static List<EvalRecord> ReadCsv(string path)
    {
        using var reader = new StreamReader(path);
        var header = CsvParser.ReadRow(reader) ?? throw new BertFormatException(path, null, "is empty.");
        int Column(string name) => header.FindIndex(h => h.Trim().Equals(name, StringComparison.OrdinalIgnoreCase));
        int text = Column("text"), label = Column("label"), pair = Column("text_pair");
        if (text < 0 || label < 0) throw new BertFormatException(path, "header", "needs the columns 'text' and 'label'.");
        var records = new List<EvalRecord>();
        int line = 1;
        while (CsvParser.ReadRow(reader) is { } row)
        {
            line++;
            if (row.Count == 1 && row[0].Length == 0) continue;
            if (row.Count != header.Count) throw new BertFormatException(path, $"row {line}", $"has {row.Count} fields, the header {header.Count}.");
            records.Add(new EvalRecord(line, Text: row[text], Label: row[label], TextPair: pair >= 0 ? row[pair] : null));
        }
        return records;
    }

    private static EvalTask Detect(EvalRecord r, string path) =>
        r.Tokens is not null ? EvalTask.Ner
        : r.Question is not null ? EvalTask.Qa
        : r.Text is not null && r.Label is not null ? EvalTask.Classify
        : throw new BertFormatException(path, $"line {r.Line}", "is none of {text,label}, {tokens,tags}, {question,context,answers}; give --task.");

    private static void Check(EvalRecord r, EvalTask task, string path)
    {
        string? missing = task switch
        {
            EvalTask.Classify when r.Text is null || r.Label is null => "text and label",
            EvalTask.Ner when r.Tokens is null || r.Tags is null => "tokens and tags",
            EvalTask.Ner when r.Tokens!.Count != r.Tags!.Count => "as many tags as tokens",
            EvalTask.Ner when r.Tokens!.Any(w => w.Length == 0 || w.Any(char.IsWhiteSpace)) => "tokens without spaces",
            EvalTask.Qa when r.Question is null || r.Context is null || r.Answers is null || r.Answers.Count == 0 => "question, context and at least one answer",
            _ => null,
        };
        if (missing is not null) throw new BertFormatException(path, $"line {r.Line}", $"needs {missing} for {task.ToString().ToLowerInvariant()} evaluation.");
    }
}
