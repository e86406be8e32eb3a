namespace Bert.Loading;

/// <summary>The dtype strings of the safetensors format and their element sizes.</summary>
internal static class SafeTensorDTypes
{
    // Every byte-sized dtype of the format (huggingface/safetensors Dtype). Sub-byte types (F4, F6_*) are not listed:
    // their byte counts are not "elements × size", so they are rejected as unknown.
    private static readonly Dictionary<string, int> Sizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["F8_E8M0"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    /// <summary>Bytes per element, or 0 when the dtype is not a known safetensors dtype.</summary>
    public static int ByteSize(string dtype) => Sizes.GetValueOrDefault(dtype);

    /// <summary>The dtype names that <see cref="ByteSize"/> knows, for error messages.</summary>
    public static string KnownNames => string.Join(", ", Sizes.Keys);

    /// <summary>Maps <c>F32</c>/<c>F16</c>/<c>BF16</c> to <see cref="SafeTensorDType"/>; null otherwise.</summary>
    public static SafeTensorDType? AsFloatType(string dtype) => dtype switch
    {
        "F32" => SafeTensorDType.F32,
        "F16" => SafeTensorDType.F16,
        "BF16" => SafeTensorDType.BF16,
        _ => null,
    };
}

/// <summary>Formats shapes for messages.</summary>
internal static class ShapeFormat
{
    /// <summary><c>[a, b, c]</c>.</summary>
    public static string Text(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary><c>[a, b, c]</c>.</summary>
    public static string Text(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
