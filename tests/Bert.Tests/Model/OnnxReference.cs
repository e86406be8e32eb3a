using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Bert.Tests.Model;

/// <summary>Runs a synthetic checkpoint's model.onnx with ONNX Runtime: the independent reference of the parity tests.</summary>
internal sealed class OnnxReference : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxReference(string onnxPath, int threads = 1)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _session = new InferenceSession(onnxPath, options);
    }

    /// <summary>All outputs by name for an int batch [batch, seq] (widened to the int64 inputs optimum exports).</summary>
    public Dictionary<string, float[]> Run(int[] ids, int[] typeIds, int[] mask, int batch, int seq)
    {
        int[] shape = [batch, seq];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids.Select(x => (long)x).ToArray(), shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask.Select(x => (long)x).ToArray(), shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(typeIds.Select(x => (long)x).ToArray(), shape)),
        };
        using var results = _session.Run(inputs);
        return results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>Differences between two float vectors.</summary>
internal static class Compare
{
    public static double MaxAbs(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(actual[i]), $"[{i}] is {actual[i]}");
            max = Math.Max(max, Math.Abs((double)expected[i] - actual[i]));
        }
        return max;
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
