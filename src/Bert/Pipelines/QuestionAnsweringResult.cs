namespace Bert.Pipelines;

/// <summary>One answer of extractive question answering (HF <c>question-answering</c> pipeline: answer, score, start, end).</summary>
/// <param name="Answer">The answer: <c>context[Start..End]</c>; empty for the "no answer" entry.</param>
/// <param name="Score">
/// p_start(s) · p_end(e), each a softmax over the window's context tokens and [CLS] (HF's score); for the "no answer"
/// entry, the smallest p_start([CLS]) · p_end([CLS]) over the windows.
/// </param>
/// <param name="Start">First UTF-16 char of the answer in the context (0 for "no answer").</param>
/// <param name="End">One past its last char (0 for "no answer").</param>
public sealed record QuestionAnsweringResult(string Answer, float Score, int Start, int End);
