using System.Numerics.Tensors;

namespace Bert.SentenceTransformers;

/// <summary>
/// Similarity of embeddings, as sentence-transformers' <c>similarity</c> / <c>similarity_pairwise</c>
/// (<c>util.cos_sim</c>, <c>dot_score</c>, <c>euclidean_sim</c>, <c>manhattan_sim</c>). Pure functions.
/// </summary>
public static class Similarity
{
    /// <summary>The similarity of two vectors under <paramref name="function"/> (see <see cref="SimilarityFunction"/> for the formulas).</summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector, same length.</param>
    /// <param name="function">The function; default cosine.</param>
    /// <returns>The similarity; higher is more similar.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="function"/> is not defined.</exception>
    public static float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b, SimilarityFunction function = SimilarityFunction.Cosine)
    {
        if (a.Length != b.Length) throw new ArgumentException($"The vectors have lengths {a.Length} and {b.Length}; they must be equal.", nameof(b));
        return function switch
        {
            SimilarityFunction.Cosine => Cosine(a, b),
            SimilarityFunction.Dot => TensorPrimitives.Dot(a, b),
            SimilarityFunction.Euclidean => -TensorPrimitives.Distance(a, b),
            SimilarityFunction.Manhattan => -ManhattanDistance(a, b),
            _ => throw new ArgumentOutOfRangeException(nameof(function), function, "Unknown similarity function."),
        };
    }

    /// <summary>
    /// The [n, m] matrix S[i, j] = similarity(a[i], b[j]) (sentence-transformers' <c>model.similarity(a, b)</c>).
    /// </summary>
    /// <param name="a">n vectors.</param>
    /// <param name="b">m vectors, each as long as those of <paramref name="a"/>.</param>
    /// <param name="function">The function; default cosine.</param>
    /// <returns>A new n × m matrix.</returns>
    /// <exception cref="ArgumentNullException">A list or one of its vectors is null.</exception>
    /// <exception cref="ArgumentException">The vectors differ in length, or <paramref name="function"/> is not defined.</exception>
    public static float[,] Matrix(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b, SimilarityFunction function = SimilarityFunction.Cosine)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var s = new float[a.Count, b.Count];
        for (int i = 0; i < a.Count; i++)
        {
            var ai = a[i] ?? throw new ArgumentNullException(nameof(a), $"a[{i}] is null.");
            for (int j = 0; j < b.Count; j++)
                s[i, j] = Compute(ai, b[j] ?? throw new ArgumentNullException(nameof(b), $"b[{j}] is null."), function);
        }
        return s;
    }

    /// <summary>S[i] = similarity(a[i], b[i]) (sentence-transformers' <c>similarity_pairwise</c>).</summary>
    /// <param name="a">n vectors.</param>
    /// <param name="b">n vectors.</param>
    /// <param name="function">The function; default cosine.</param>
    /// <returns>n similarities.</returns>
    /// <exception cref="ArgumentNullException">A list or one of its vectors is null.</exception>
    /// <exception cref="ArgumentException">The lists or vectors differ in length, or <paramref name="function"/> is not defined.</exception>
    public static float[] Pairwise(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b, SimilarityFunction function = SimilarityFunction.Cosine)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException($"{a.Count} vectors in a but {b.Count} in b.", nameof(b));
        var s = new float[a.Count];
        for (int i = 0; i < s.Length; i++)
            s[i] = Compute(a[i] ?? throw new ArgumentNullException(nameof(a), $"a[{i}] is null."), b[i] ?? throw new ArgumentNullException(nameof(b), $"b[{i}] is null."), function);
        return s;
    }

    /// <summary>Parses a <c>similarity_fn_name</c> value: "cosine", "dot", "euclidean", "manhattan".</summary>
    /// <param name="name">The name, case-sensitive as sentence-transformers writes it.</param>
    /// <param name="function">The function when the name is known.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParse(string? name, out SimilarityFunction function)
    {
        (bool ok, function) = name switch
        {
            "cosine" => (true, SimilarityFunction.Cosine),
            "dot" => (true, SimilarityFunction.Dot),
            "euclidean" => (true, SimilarityFunction.Euclidean),
            "manhattan" => (true, SimilarityFunction.Manhattan),
            _ => (false, SimilarityFunction.Cosine),
        };
        return ok;
    }

    /// <summary>The <c>similarity_fn_name</c> of <paramref name="function"/>.</summary>
    /// <param name="function">The function.</param>
    /// <returns>"cosine", "dot", "euclidean" or "manhattan".</returns>
    public static string Name(SimilarityFunction function) => function switch
    {
        SimilarityFunction.Dot => "dot",
        SimilarityFunction.Euclidean => "euclidean",
        SimilarityFunction.Manhattan => "manhattan",
        _ => "cosine",
    };

    private static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        // torch's F.normalize clamps each norm at 1e-12, so a zero vector has similarity 0 (TensorPrimitives.CosineSimilarity gives NaN).
        float na = MathF.Max(TensorPrimitives.Norm(a), 1e-12f), nb = MathF.Max(TensorPrimitives.Norm(b), 1e-12f);
        return TensorPrimitives.Dot(a, b) / na / nb;
    }

    private static float ManhattanDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Span<float> diff = stackalloc float[256];
        float sum = 0;
        for (int i = 0; i < a.Length; i += diff.Length)
        {
            int n = Math.Min(diff.Length, a.Length - i);
            TensorPrimitives.Subtract(a.Slice(i, n), b.Slice(i, n), diff[..n]);
            sum += TensorPrimitives.SumOfMagnitudes<float>(diff[..n]);
        }
        return sum;
    }
}
