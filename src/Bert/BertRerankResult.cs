namespace Bert;

/// <summary>One scored document of <see cref="BertModel.Rerank(string, IReadOnlyList{string}, Pipelines.RerankOptions?)"/>.</summary>
/// <param name="Index">Position of the document in the input list (sentence-transformers' <c>corpus_id</c>).</param>
/// <param name="Score">The cross-encoder's relevance score: its logit after the activation (sigmoid by default).</param>
/// <param name="Logit">The raw logit z of the 1-label classifier.</param>
/// <param name="Text">The document, when <c>ReturnDocuments</c> was asked; else null.</param>
public sealed record BertRerankResult(int Index, float Score, float Logit, string? Text);
