using System.Numerics.Tensors;

namespace Bert.Server.Endpoints;

/// <summary>Pooling and normalization of token vectors: pure functions over arrays.</summary>
internal static class EmbeddingMath
{
    /// <summary>Mean of the n rows of <paramref name="hidden"/> [n, h]: v = Σ_t h_t / n (every row is a real token in a packed batch).</summary>
    public static float[] Mean(ReadOnlySpan<float> hidden, int h)
    {
        int n = hidden.Length / h;
        var v = new float[h];
        for (int t = 0; t < n; t++) TensorPrimitives.Add(v, hidden.Slice(t * h, h), v);
        TensorPrimitives.Divide(v, n, v);
        return v;
    }

    /// <summary>The first row (the [CLS] vector) of <paramref name="hidden"/>.</summary>
    public static float[] Cls(ReadOnlySpan<float> hidden, int h) => hidden[..h].ToArray();

    /// <summary>v / max(‖v‖₂, 1e-12) in place (PyTorch's F.normalize).</summary>
    public static void Normalize(Span<float> v)
    {
        float norm = TensorPrimitives.Norm(v);
        TensorPrimitives.Divide(v, MathF.Max(norm, 1e-12f), v);
    }

    /// <summary>Logistic sigmoid 1 / (1 + e^−z).</summary>
    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    /// <summary>softmax(z)_i = e^{z_i} / Σ_j e^{z_j}.</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var p = new float[logits.Length];
        TensorPrimitives.SoftMax(logits, p);
        return p;
    }
}
