namespace Bert.Pipelines;

/// <summary>
/// One entity found by token classification (an element of HF's <c>token-classification</c> / <c>ner</c> pipeline output).
/// </summary>
/// <param name="Label">
/// HF <c>entity</c> (the token's label, e.g. "B-PER") with <see cref="AggregationStrategy.None"/>; HF <c>entity_group</c>
/// (the label without its "B-"/"I-" prefix: the text after the first '-', e.g. "PER") with the other strategies.
/// </param>
/// <param name="Score">Probability of the label: softmax of the token's logits; for a group, the mean over its tokens or words.</param>
/// <param name="Word">
/// The tokens decoded (lower-cased vocabulary pieces joined, "##" merged, as HF's <c>word</c>; an [UNK] token contributes its
/// original text). Use <see cref="Start"/>/<see cref="End"/> for the exact original text.
/// </param>
/// <param name="Start">First UTF-16 char of the entity in the input text.</param>
/// <param name="End">One past the last char: the entity is <c>text[Start..End]</c>.</param>
/// <param name="Index">Position of the token in the encoding ([CLS] is 0), HF <c>index</c>; null for grouped entities.</param>
public sealed record TokenClassificationEntity(string Label, float Score, string Word, int Start, int End, int? Index = null);
