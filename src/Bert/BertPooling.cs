namespace Bert;

/// <summary>
/// How the token vectors h_t (rows of <c>last_hidden_state</c>) of a text become one sentence vector: the modes of
/// sentence-transformers' <c>Pooling</c> module (<c>1_Pooling/config.json</c>), plus Hugging Face's pooler.
/// </summary>
/// <remarks>
/// Modes may be combined with <c>|</c>: the vectors are then concatenated in sentence-transformers' order
/// Cls, Max, Mean, MeanSqrtLen, WeightedMean, LastToken (so <c>Cls | Mean</c> gives 2·hidden_size floats).
/// m_t is 1 for a token that takes part in pooling and 0 otherwise (0 only for prompt tokens when the prompt is
/// excluded, see <see cref="EmbeddingOptions.IncludePrompt"/>). <see cref="Pooler"/> cannot be combined.
/// </remarks>
[Flags]
public enum BertPooling
{
    /// <summary>No mode: not a valid choice (rejected with <see cref="ArgumentException"/>).</summary>
    None = 0,

    /// <summary><c>pooling_mode_cls_token</c>: the first token's vector, v = h_0 (never masked).</summary>
    Cls = 1,

    /// <summary>
    /// <c>pooling_mode_mean_tokens</c>: v = Σ_t m_t·h_t / max(Σ_t m_t, 1e-9), [CLS] and [SEP] included. What most BERT
    /// sentence-embedding checkpoints are trained for, and the default for a folder without sentence-transformers files.
    /// </summary>
    Mean = 2,

    /// <summary><c>pooling_mode_max_tokens</c>: v_c = max_t h_tc over tokens with m_t = 1 (a masked token counts as −1e9).</summary>
    Max = 4,

    /// <summary><c>pooling_mode_mean_sqrt_len_tokens</c>: v = Σ_t m_t·h_t / √max(Σ_t m_t, 1e-9).</summary>
    MeanSqrtLen = 8,

    /// <summary><c>pooling_mode_weightedmean_tokens</c> (SGPT): v = Σ_t (t+1)·m_t·h_t / max(Σ_t (t+1)·m_t, 1e-9), t = 0 at [CLS].</summary>
    WeightedMean = 16,

    /// <summary><c>pooling_mode_lasttoken</c>: h_t of the last token with m_t = 1 ([SEP] for BERT); zeros when none.</summary>
    LastToken = 32,

    /// <summary>
    /// Hugging Face's <c>pooler_output</c>: v = tanh(W·h_0 + b), trained by next-sentence prediction; needs pooler
    /// weights. Not a sentence-transformers mode; cannot be combined with the others.
    /// </summary>
    Pooler = 64,
}
