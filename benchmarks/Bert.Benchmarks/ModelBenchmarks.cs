using BenchmarkDotNet.Attributes;
using Bert.Synthetic;
using Microsoft.ML.OnnxRuntime;

namespace Bert.Benchmarks;

/// <summary>
/// One forward pass (last_hidden_state + pooler_output) of a synthetic BERT, ours vs ONNX Runtime on the same weights,
/// batch 1. Parity (max-abs, cosine on last_hidden_state) is printed by the setup beside the timings.
/// </summary>
/// <remarks>
/// The checkpoint (F32 safetensors + model.onnx) is generated once into <c>models/synthetic-{preset}-bench</c> (git-ignored)
/// or the temp folder. Preset: environment variable <c>BERT_BENCH_PRESET</c> = base (default) or large.
/// ORT runs with IntraOpNumThreads = 2 (the machine's cores), all graph optimizations, and preallocated outputs.
/// Run: <c>dotnet run -c Release --project benchmarks/Bert.Benchmarks -- --filter '*ModelBenchmarks*'</c>.
/// </remarks>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private BertModel _model = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _ortInputs = [], _ortOutputs = [];
    private int[] _ids = [], _typeIds = [], _mask = [];
    private float[] _hidden = [], _pooled = [], _ortHidden = [], _ortPooled = [];

    /// <summary>Tokens in the sequence.</summary>
    [Params(8, 128)]
    public int SequenceLength { get; set; }

    /// <summary>Generates (once) and opens the checkpoint, builds the inputs, and prints parity.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string preset = Environment.GetEnvironmentVariable("BERT_BENCH_PRESET") ?? "base";
        string folder = EnsureCheckpoint(preset);
        _model = BertModel.Load(folder);
        int h = _model.Config.HiddenSize, seq = SequenceLength;
        (_ids, _typeIds, _mask) = Sentence(_model.Config.VocabSize, seq);
        _hidden = new float[seq * h];
        _pooled = new float[h];
        _ortHidden = new float[seq * h];
        _ortPooled = new float[h];

        using var options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(Path.Combine(folder, "model.onnx"), options);
        _runOptions = new RunOptions();
        long[] shape = [1, seq];
        _ortInputs = [Int64(_ids, shape), Int64(_mask, shape), Int64(_typeIds, shape)];
        _ortOutputs = [OrtValue.CreateTensorValueFromMemory(_ortHidden, [1, seq, h]), OrtValue.CreateTensorValueFromMemory(_ortPooled, [1, h])];

        Ours();
        OnnxRuntime();
        Console.WriteLine($"// Parity {preset} seq {seq}: last_hidden_state max-abs {MaxAbs(_hidden, _ortHidden):E2}, cosine {Cosine(_hidden, _ortHidden):F9}; " +
            $"pooler_output max-abs {MaxAbs(_pooled, _ortPooled):E2}");
    }

    /// <summary>Releases the model and the session.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        foreach (var v in _ortInputs.Concat(_ortOutputs)) v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>ONNX Runtime on model.onnx.</summary>
    [Benchmark(Baseline = true)]
    public void OnnxRuntime()
        => _session.Run(_runOptions, ["input_ids", "attention_mask", "token_type_ids"], _ortInputs, ["last_hidden_state", "pooler_output"], _ortOutputs);

    /// <summary>Our forward pass.</summary>
    [Benchmark]
    public void Ours()
        => _model.Forward(new BertInput(_ids, _typeIds, _mask, 1, SequenceLength), new BertOutputs { LastHiddenState = _hidden, PoolerOutput = _pooled });

    private static OrtValue Int64(int[] values, long[] shape) => OrtValue.CreateTensorValueFromMemory(values.Select(x => (long)x).ToArray(), shape);

    /// <summary>"[CLS] w… [SEP]" with seeded random words.</summary>
    private static (int[] Ids, int[] TypeIds, int[] Mask) Sentence(int vocab, int seq)
    {
        var rng = new Random(42);
        var ids = new int[seq];
        for (int i = 0; i < seq; i++) ids[i] = rng.Next(SyntheticVocabulary.IdOf("[MASK]", vocab) + 1, vocab);
        ids[0] = SyntheticVocabulary.IdOf("[CLS]", vocab);
        ids[^1] = SyntheticVocabulary.IdOf("[SEP]", vocab);
        return (ids, new int[seq], Enumerable.Repeat(1, seq).ToArray());
    }

    private static string EnsureCheckpoint(string preset)
    {
        string folder = Path.Combine(CacheRoot(), $"synthetic-{preset}-bench");
        if (!File.Exists(Path.Combine(folder, "model.onnx")))
            SyntheticCheckpoint.Create(folder, new SyntheticOptions { Config = SyntheticPresets.Get(preset), WriteOnnx = true, Seed = 1 });
        return folder;
    }

    /// <summary>The repository's models/ folder when running from a clone, else the temp folder.</summary>
    private static string CacheRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bert.sln"))) return Path.Combine(dir.FullName, "models");
        return Path.GetTempPath();
    }

    private static double MaxAbs(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }
}
