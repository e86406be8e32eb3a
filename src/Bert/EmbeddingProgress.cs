namespace Bert;

/// <summary>Progress of a multi-text embedding call, reported after each forward pass.</summary>
/// <param name="Embedded">Texts embedded so far.</param>
/// <param name="Total">Texts in the call, or null for a stream.</param>
/// <param name="Tokens">Tokens run through the model so far ([CLS], [SEP] and prompt included): the usage count.</param>
public readonly record struct EmbeddingProgress(int Embedded, int? Total, long Tokens);
