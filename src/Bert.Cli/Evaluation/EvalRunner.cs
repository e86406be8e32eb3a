using Bert.Evaluation;
using Bert.Pipelines;

namespace Bert.Cli.Evaluation;

/// <summary>Runs the model over labelled records and scores the predictions with <c>Bert.Evaluation</c>.</summary>
internal static class EvalRunner
{
    /// <summary>Classification: the arg-max label of each text (pair) against the gold label; a gold number k is read as
    /// id2label[k] when the model names its labels.</summary>
    public static async Task<ClassificationReport> ClassifyAsync(BertModel model, IReadOnlyList<EvalRecord> records, CancellationToken ct)
    {
        var results = await model.ClassifyAsync([.. records.Select(r => (r.Text!, r.TextPair))], new TextClassificationOptions { TopK = 1 }, ct);
        var gold = records.Select(r => int.TryParse(r.Label, out int id) && model.Config.Id2Label.TryGetValue(id, out var name) ? name : r.Label!).ToArray();
        return ClassificationMetrics.Compute(gold, [.. results.Select(c => c.Label)]);
    }

    /// <summary>NER: words joined by spaces; each word's predicted tag is its first sub-token's label ("O" when none), as
    /// transformers' run_ner evaluates; entity P/R/F1 as seqeval.</summary>
    public static async Task<EntityReport> NerAsync(BertModel model, IReadOnlyList<EvalRecord> records, CancellationToken ct)
    {
        var texts = records.Select(r => string.Join(' ', r.Tokens!)).ToArray();
        var entities = await model.ExtractEntitiesAsync(texts, new TokenClassificationOptions { AggregationStrategy = AggregationStrategy.None, IgnoreLabels = [] }, ct);
        var predicted = new List<IReadOnlyList<string>>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            var firstByStart = new Dictionary<int, string>();
            foreach (var e in entities[i].OrderBy(e => e.Index)) firstByStart.TryAdd(e.Start, e.Label);
            var tags = new string[records[i].Tokens!.Count];
            for (int w = 0, start = 0; w < tags.Length; start += records[i].Tokens![w].Length + 1, w++)
                tags[w] = firstByStart.GetValueOrDefault(start, "O");
            predicted.Add(tags);
        }
        return EntityMetrics.Compute([.. records.Select(r => r.Tags!)], predicted);
    }

    /// <summary>QA: the best answer span of each (question, context) against the gold answers; SQuAD v1.1 EM and F1.</summary>
    public static async Task<SquadScore> QaAsync(BertModel model, IReadOnlyList<EvalRecord> records, CancellationToken ct)
    {
        var answers = await model.AnswerQuestionsAsync([.. records.Select(r => (r.Question!, r.Context!))], null, ct);
        return SquadMetrics.Compute([.. records.Select((r, i) => (answers[i].Count > 0 ? answers[i][0].Answer : "", r.Answers!))]);
    }
}
