namespace Bert;

/// <summary>How <see cref="BertModel.Encode(string, BertPooling)"/> reduces the token vectors of a text to one vector.</summary>
public enum BertPooling
{
    /// <summary>
    /// Mean of <c>last_hidden_state</c> over the real tokens, [CLS] and [SEP] included: v = Σ_t m_t·h_t / Σ_t m_t
    /// (sentence-transformers' mean pooling, what most BERT sentence-embedding checkpoints are trained for). The default.
    /// </summary>
    Mean,

    /// <summary>The raw <c>last_hidden_state</c> of the first token, [CLS]: v = h_0.</summary>
    Cls,

    /// <summary>
    /// Hugging Face's <c>pooler_output</c>: v = tanh(W·h_0 + b), trained by next-sentence prediction; needs pooler weights.
    /// </summary>
    Pooler,
}
