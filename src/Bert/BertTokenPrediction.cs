namespace Bert;

/// <summary>
/// One candidate for a masked position, from <see cref="BertModel.FillMask(string, Pipelines.FillMaskOptions?)"/>
/// (Hugging Face's fill-mask <c>{score, token, token_str, sequence}</c>).
/// </summary>
/// <param name="Token">The candidate decoded alone, as HF's <c>token_str</c> (<c>tokenizer.decode([id])</c>): e.g. <c>paris</c>, or <c>##ing</c> for a word piece.</param>
/// <param name="Id">Its token id (HF <c>token</c>).</param>
/// <param name="Score">p = softmax(prediction logits at the mask)[Id] over the whole vocabulary (HF <c>score</c>; not renormalised over targets).</param>
/// <param name="Sequence">
/// The input with this mask replaced by the candidate, decoded (HF <c>sequence</c>): special tokens skipped, other
/// masks of the same input kept as the mask token.
/// </param>
public sealed record BertTokenPrediction(string Token, int Id, float Score, string Sequence);
