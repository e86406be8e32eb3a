using Bert.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace Bert.Benchmarks.Embeddings;

/// <summary>
/// ONNX Runtime as a .NET user runs a sentence-transformers ONNX export: texts in input order, cut into batches of
/// <see cref="BatchSize"/>, each right-padded to its longest text, <c>last_hidden_state</c> mean-pooled over the
/// attention mask and L2-normalized in C# (v = Σ_t m_t·h_t / Σ_t m_t, then v / ‖v‖₂). Tokenized by our tokenizer
/// (the ids are the ones sentence-transformers feeds; its cost is part of this contender's time, as it is of ours).
/// </summary>
internal sealed class OrtPaddedEmbedder : IDisposable
{
    /// <summary>Texts per padded batch: sentence-transformers' default <c>batch_size</c>.</summary>
    public const int BatchSize = 32;

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly int _maxLength;
    private readonly RunOptions _runOptions = new();

    /// <summary>A session on <paramref name="onnxPath"/> with our kernel thread count (inter-op 1) and all graph optimizations.</summary>
    public OrtPaddedEmbedder(string onnxPath, BertTokenizer tokenizer, int maxLength)
    {
        _session = ModelWorkload.OpenSession(onnxPath);
        _tokenizer = tokenizer;
        _maxLength = maxLength;
    }

    /// <summary>One unit vector per text, in input order.</summary>
    public float[][] Encode(IReadOnlyList<string> texts)
    {
        var results = new float[texts.Count][];
        for (int start = 0; start < texts.Count; start += BatchSize)
        {
            var batch = texts.Skip(start).Take(BatchSize).ToArray();
            var pooled = EncodeBatch(_tokenizer.EncodeBatch(batch, maxLength: _maxLength));
            pooled.CopyTo(results, start);
        }
        return results;
    }

    private float[][] EncodeBatch(BertBatchEncoding encoding)
    {
        int b = encoding.BatchSize, s = encoding.SequenceLength;
        long[] dims = [b, s];
        using var ids = OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(encoding.Ids, x => (long)x), dims);
        using var mask = OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(encoding.AttentionMask, x => (long)x), dims);
        using var types = OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(encoding.TypeIds, x => (long)x), dims);
        using var outputs = _session.Run(_runOptions, ["input_ids", "attention_mask", "token_type_ids"], [ids, mask, types], ["last_hidden_state"]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        int h = hidden.Length / (b * s);
        var results = new float[b][];
        for (int i = 0; i < b; i++) results[i] = MeanPoolNormalize(hidden.Slice(i * s * h, s * h), encoding.AttentionMask.AsSpan(i * s, s), h);
        return results;
    }

    /// <summary>Mean of the rows whose mask is 1, then divided by its L2 norm (in double, then rounded to float).</summary>
    public static float[] MeanPoolNormalize(ReadOnlySpan<float> rows, ReadOnlySpan<int> mask, int h)
    {
        var sum = new double[h];
        int count = 0;
        for (int t = 0; t < mask.Length; t++)
        {
            if (mask[t] == 0) continue;
            count++;
            for (int c = 0; c < h; c++) sum[c] += rows[t * h + c];
        }
        double norm = 0;
        for (int c = 0; c < h; c++) norm += (sum[c] / count) * (sum[c] / count);
        norm = Math.Sqrt(norm);
        var v = new float[h];
        for (int c = 0; c < h; c++) v[c] = (float)(sum[c] / count / norm);
        return v;
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
