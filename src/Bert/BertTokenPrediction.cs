namespace Bert;

/// <summary>One candidate for a masked position, from <see cref="BertModel.FillMask(string, int)"/>.</summary>
/// <param name="Token">The vocabulary entry, e.g. <c>paris</c> or <c>##ing</c>.</param>
/// <param name="Id">Its token id.</param>
/// <param name="Probability">p = softmax(prediction logits at the position)[Id] over the whole vocabulary.</param>
public sealed record BertTokenPrediction(string Token, int Id, float Probability);
