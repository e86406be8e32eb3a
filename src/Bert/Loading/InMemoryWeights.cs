namespace Bert.Loading;

/// <summary>
/// An <see cref="IWeightSource"/> over arrays held in memory, e.g. weights built by a test or converted by the caller.
/// </summary>
/// <remarks>Resolves names like the file-backed source: exact name, then <c>bert.</c> prefix, then <c>LayerNorm.gamma</c>/<c>beta</c>.
/// Arrays are not copied: later changes to them are visible through <see cref="Get"/>.</remarks>
public sealed class InMemoryWeights : IWeightSource
{
    private readonly Dictionary<string, (long[] Shape, float[] Data)> _tensors = new(StringComparer.Ordinal);

    /// <summary>Stored tensor names.</summary>
    public IReadOnlyCollection<string> Names => _tensors.Keys;

    /// <summary>Stores (or replaces) a tensor.</summary>
    /// <param name="name">Name to store it under, e.g. <c>bert.embeddings.word_embeddings.weight</c>.</param>
    /// <param name="shape">Dimensions, outermost first; their product must equal <c>data.Length</c>.</param>
    /// <param name="data">Row-major elements (kept by reference).</param>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentException">A dimension is negative or the element count differs from the shape.</exception>
    public InMemoryWeights Add(string name, int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0) throw new ArgumentException($"Tensor '{name}': negative dimension in {ShapeFormat.Text(shape)}.", nameof(shape));
            count *= dim; // int dims, at most a few: checked against data.Length (≤ 2³¹) right after each step
            if (count > Array.MaxLength) break;
        }
        if (count != data.Length)
            throw new ArgumentException($"Tensor '{name}': shape {ShapeFormat.Text(shape)} needs {count} elements, data has {data.Length}.", nameof(data));
        _tensors[name] = (Array.ConvertAll(shape, d => (long)d), data);
        return this;
    }

    /// <summary>Removes a stored tensor (exact name); returns whether it existed.</summary>
    /// <param name="name">The stored name.</param>
    public bool Remove(string name) => _tensors.Remove(name);

    /// <inheritdoc />
    public bool Contains(string name) => WeightNames.TryResolve(name, _tensors, out _, out _);

    /// <inheritdoc />
    public ReadOnlyMemory<float> Get(string name, ReadOnlySpan<int> shape)
    {
        if (!WeightNames.TryResolve(name, _tensors, out string stored, out var tensor))
            throw WeightNames.Missing(null, name);
        WeightNames.CheckShape(null, name, stored, tensor.Shape, shape);
        return tensor.Data;
    }
}
