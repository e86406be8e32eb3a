namespace Bert.Loading;

/// <summary>One entry of a safetensors header: where a tensor's bytes lie and how to read them.</summary>
/// <param name="Name">The tensor name exactly as stored, e.g. <c>bert.embeddings.word_embeddings.weight</c>.</param>
/// <param name="DType">The dtype string as stored, e.g. <c>F32</c>, <c>BF16</c>, <c>I64</c>.</param>
/// <param name="Shape">Dimensions, outermost first (row-major); empty for a scalar.</param>
/// <param name="DataBegin">First byte, relative to the start of the byte buffer that follows the header.</param>
/// <param name="DataEnd">One past the last byte, relative to the same buffer.</param>
public sealed record SafeTensorInfo(string Name, string DType, IReadOnlyList<long> Shape, long DataBegin, long DataEnd)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dim in Shape) count *= dim; // cannot overflow: the header reader checked the product
            return count;
        }
    }

    /// <summary>The float type this library can widen to F32, or null for other dtypes (integers, F64, ...).</summary>
    public SafeTensorDType? FloatType => SafeTensorDTypes.AsFloatType(DType);

    /// <summary>The shape as text, e.g. <c>[768, 3072]</c>.</summary>
    public string ShapeText => ShapeFormat.Text(Shape);
}
