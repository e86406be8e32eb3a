namespace Bert.Loading;

/// <summary>One tensor to be written by <see cref="SafeTensorsWriter"/>: its name, stored element type and shape.</summary>
/// <param name="Name">Tensor name as it appears in the header, e.g. <c>embeddings.word_embeddings.weight</c>.</param>
/// <param name="DType">Element type stored in the file.</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar (one element).</param>
public sealed record SafeTensorSpec(string Name, SafeTensorDType DType, IReadOnlyList<int> Shape)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    /// <exception cref="OverflowException">The product overflows 64 bits.</exception>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dim in Shape)
            {
                if (dim < 0) throw new ArgumentException($"Tensor '{Name}' has a negative dimension {dim}.");
                count = checked(count * dim);
            }
            return count;
        }
    }

    /// <summary>Bytes of one element: 4 for F32, 2 for F16 and BF16.</summary>
    public int ElementSize => DType == SafeTensorDType.F32 ? 4 : 2;

    /// <summary>Bytes of the tensor's data: <see cref="ElementCount"/> × <see cref="ElementSize"/>.</summary>
    public long ByteLength => checked(ElementCount * ElementSize);
}
