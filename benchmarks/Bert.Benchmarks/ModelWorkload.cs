using Bert.Synthetic;
using Microsoft.ML.OnnxRuntime;

namespace Bert.Benchmarks;

/// <summary>
/// One benchmark shape on a synthetic checkpoint: the same sequences fed to our engine packed (no padding) and to ONNX
/// Runtime right-padded to the longest (as users feed it), with both outputs kept for the parity check.
/// </summary>
/// <remarks>
/// Shapes: "BxS" (B sequences of S tokens) or "64 mixed" (64 sequences of 8–128 tokens, seeded). ORT runs with
/// IntraOpNumThreads = our kernel threads, all graph optimizations and preallocated outputs.
/// </remarks>
internal sealed class ModelWorkload : IDisposable
{
    /// <summary>The shapes of issue 9's table.</summary>
    public static readonly string[] Shapes = ["1x8", "1x32", "1x128", "1x512", "8x128", "64 mixed"];

    private readonly BertModel _model;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _ortInputs, _ortOutputs;
    private readonly int[] _ids, _typeIds, _cu, _lengths;
    private readonly float[] _hidden, _pooled, _ortHidden, _ortPooled;
    private readonly int _seq;

    /// <summary>An ORT session on model.onnx with our thread count and all graph optimizations.</summary>
    public static InferenceSession OpenSession(string onnxPath)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = BertModel.KernelThreadCount, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return new InferenceSession(onnxPath, options);
    }

    /// <summary>Builds the inputs of <paramref name="shape"/> for both engines; the caller keeps model and session alive.</summary>
    public ModelWorkload(BertModel model, InferenceSession session, string shape)
    {
        _model = model;
        _lengths = Lengths(shape);
        _seq = _lengths.Max();
        int b = _lengths.Length, h = model.Config.HiddenSize;
        var sentences = Sentences(model.Config.VocabSize, _lengths);
        _ids = [.. sentences.SelectMany(s => s)];
        _typeIds = new int[_ids.Length];
        _cu = new int[b + 1];
        for (int i = 0; i < b; i++) _cu[i + 1] = _cu[i] + _lengths[i];
        _hidden = new float[_ids.Length * h];
        _pooled = new float[b * h];
        _ortHidden = new float[b * _seq * h];
        _ortPooled = new float[b * h];

        var paddedIds = new long[b * _seq];
        var mask = new long[b * _seq];
        for (int i = 0; i < b; i++)
            for (int s = 0; s < _lengths[i]; s++) (paddedIds[i * _seq + s], mask[i * _seq + s]) = (sentences[i][s], 1);
        _session = session;
        long[] dims = [b, _seq];
        _ortInputs = [OrtValue.CreateTensorValueFromMemory(paddedIds, dims), OrtValue.CreateTensorValueFromMemory(mask, dims), OrtValue.CreateTensorValueFromMemory(new long[b * _seq], dims)];
        _ortOutputs = [OrtValue.CreateTensorValueFromMemory(_ortHidden, [b, _seq, h]), OrtValue.CreateTensorValueFromMemory(_ortPooled, [b, h])];
    }

    /// <summary>Real tokens (what we compute) and padded tokens (what ORT computes).</summary>
    public (int Real, int Padded) Tokens => (_ids.Length, _lengths.Length * _seq);

    /// <summary>Our packed forward pass: last_hidden_state and pooler_output.</summary>
    public void Ours() => _model.Forward(new BertPackedInput(_ids, _typeIds, _cu), new BertOutputs { LastHiddenState = _hidden, PoolerOutput = _pooled });

    /// <summary>ONNX Runtime on the padded batch.</summary>
    public void OnnxRuntime()
        => _session.Run(_runOptions, ["input_ids", "attention_mask", "token_type_ids"], _ortInputs, ["last_hidden_state", "pooler_output"], _ortOutputs);

    /// <summary>Max-abs difference over the real tokens' last_hidden_state and over pooler_output (after one run of each).</summary>
    public (double Hidden, double Pooler) Parity()
    {
        int h = _model.Config.HiddenSize;
        double hidden = 0, pooler = 0;
        for (int i = 0; i < _lengths.Length; i++)
            for (int s = 0; s < _lengths[i]; s++)
                for (int c = 0; c < h; c++)
                    hidden = Math.Max(hidden, Math.Abs((double)_hidden[(_cu[i] + s) * h + c] - _ortHidden[(i * _seq + s) * h + c]));
        for (int i = 0; i < _pooled.Length; i++) pooler = Math.Max(pooler, Math.Abs((double)_pooled[i] - _ortPooled[i]));
        return (hidden, pooler);
    }

    public void Dispose()
    {
        foreach (var v in _ortInputs.Concat(_ortOutputs)) v.Dispose();
        _runOptions.Dispose();
    }

    private static int[] Lengths(string shape)
    {
        if (shape == "64 mixed")
        {
            var rng = new Random(7);
            return [.. Enumerable.Range(0, 64).Select(_ => rng.Next(8, 129))];
        }
        var parts = shape.Split('x');
        return Enumerable.Repeat(int.Parse(parts[1]), int.Parse(parts[0])).ToArray();
    }

    /// <summary>"[CLS] w… [SEP]" of <paramref name="lengths"/>[i] tokens each, with seeded random words after [MASK].</summary>
    private static int[][] Sentences(int vocab, int[] lengths)
    {
        // IdOf builds the whole synthetic vocabulary: once per workload, not once per token (that cost 90 s on 64 mixed).
        int cls = SyntheticVocabulary.IdOf("[CLS]", vocab), sep = SyntheticVocabulary.IdOf("[SEP]", vocab);
        int firstWord = SyntheticVocabulary.IdOf("[MASK]", vocab) + 1;
        return lengths.Select((n, s) =>
        {
            var rng = new Random(42 + s);
            var ids = new int[n];
            for (int i = 0; i < n; i++) ids[i] = rng.Next(firstWord, vocab);
            (ids[0], ids[^1]) = (cls, sep);
            return ids;
        }).ToArray();
    }

    /// <summary>The synthetic checkpoint folder for a preset, generated (F32 safetensors + model.onnx) if absent.</summary>
    public static string EnsureCheckpoint(string preset)
    {
        string folder = Path.Combine(CacheRoot(), $"synthetic-{preset}-bench");
        if (!File.Exists(Path.Combine(folder, "model.onnx")))
            SyntheticCheckpoint.Create(folder, new SyntheticOptions { Config = SyntheticPresets.Get(preset), WriteOnnx = true, Seed = 1 });
        return folder;
    }

    /// <summary>The repository's models/ folder when running from a clone, else the temp folder.</summary>
    internal static string CacheRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bert.sln"))) return Path.Combine(dir.FullName, "models");
        return Path.GetTempPath();
    }
}
