namespace Bert.Cli.Evaluation;

/// <summary>The task a labelled file is for.</summary>
internal enum EvalTask
{
    /// <summary>Sequence classification: <c>text</c> (and optional <c>text_pair</c>) with a gold <c>label</c>.</summary>
    Classify,

    /// <summary>Token classification: <c>tokens</c> (words) with gold IOB <c>tags</c>, one per word.</summary>
    Ner,

    /// <summary>Extractive QA: <c>question</c>, <c>context</c> and gold <c>answers</c>.</summary>
    Qa,
}

/// <summary>One labelled example; which fields are set depends on the task.</summary>
internal sealed record EvalRecord(int Line, string? Text = null, string? TextPair = null, string? Label = null,
    IReadOnlyList<string>? Tokens = null, IReadOnlyList<string>? Tags = null,
    string? Question = null, string? Context = null, IReadOnlyList<string>? Answers = null);
