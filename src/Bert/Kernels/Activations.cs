using Bert.Kernels.Reference;

namespace Bert.Kernels;

/// <summary>Element-wise activations; y may alias x.</summary>
internal static class Activations
{
    /// <summary>Exact GELU (HF "gelu"): y = x/2 · (1 + erf(x/√2)).</summary>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y) => NaiveKernels.Gelu(x, y);

    /// <summary>Tanh GELU (HF "gelu_new", "gelu_pytorch_tanh").</summary>
    public static void GeluTanh(ReadOnlySpan<float> x, Span<float> y) => NaiveKernels.GeluTanh(x, y);

    /// <summary>y = max(x, 0).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => NaiveKernels.Relu(x, y);

    /// <summary>y = tanh(x).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => NaiveKernels.Tanh(x, y);
}
