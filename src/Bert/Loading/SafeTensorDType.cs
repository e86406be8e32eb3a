namespace Bert.Loading;

/// <summary>Element types of a safetensors tensor that this library reads and writes.</summary>
public enum SafeTensorDType
{
    /// <summary>IEEE 754 binary32 (<c>"F32"</c>).</summary>
    F32,

    /// <summary>IEEE 754 binary16 (<c>"F16"</c>), widened to F32 once at load.</summary>
    F16,

    /// <summary>bfloat16 (<c>"BF16"</c>): the upper 16 bits of an F32, widened once at load.</summary>
    BF16,
}
