namespace Bert.SentenceTransformers;

/// <summary>
/// The similarity of two embeddings a and b, as sentence-transformers' <c>similarity_fn_name</c>
/// (<c>config_sentence_transformers.json</c>); higher always means more similar.
/// </summary>
public enum SimilarityFunction
{
    /// <summary><c>"cosine"</c> (the default): a·b / (max(‖a‖, 1e-12)·max(‖b‖, 1e-12)), in [−1, 1].</summary>
    Cosine,

    /// <summary><c>"dot"</c>: a·b (equals cosine for normalized vectors).</summary>
    Dot,

    /// <summary><c>"euclidean"</c>: −‖a − b‖₂ (negative distance).</summary>
    Euclidean,

    /// <summary><c>"manhattan"</c>: −Σ_i |a_i − b_i| (negative L1 distance).</summary>
    Manhattan,
}
