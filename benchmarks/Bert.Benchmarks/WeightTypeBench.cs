using System.Diagnostics;
using Bert.Synthetic;
using Microsoft.ML.OnnxRuntime;

namespace Bert.Benchmarks;

/// <summary>
/// Reduced-precision weights vs ONNX Runtime F32, in one run:
/// <c>dotnet run -c Release --project benchmarks/Bert.Benchmarks -- weights [seconds]</c>.
/// On the synthetic BERT-Base checkpoint (made once, shared with ModelBenchmarks), batch 1 × seq 8 and 128: ORT F32 and
/// our F32, bfloat16 and int8 models, interleaved call by call; prints median ms, ratio to ORT and the cosine of
/// last_hidden_state (worst token) and pooler_output to ORT's.
/// </summary>
internal static class WeightTypeBench
{
    public static int Run(string[] args)
    {
        double seconds = args.Length > 1 && double.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 3;
        string preset = Environment.GetEnvironmentVariable("BERT_BENCH_PRESET") ?? "base";
        string folder = EnsureCheckpoint(preset);
        BertWeightType[] types = [BertWeightType.Float32, BertWeightType.BFloat16, BertWeightType.Int8];
        var models = new BertModel[types.Length];
        // Resident memory each model adds (load + one 1×128 pass, which touches every weight), smallest first so
        // that pages shared with a later model are charged to the first; weight bytes = F32 size of all tensors.
        long weightBytes = new FileInfo(Path.Combine(folder, "model.safetensors")).Length;
        foreach (int i in new[] { 2, 1, 0 })
        {
            var (anon0, file0) = ResidentSplit();
            long before = Resident();
            models[i] = BertModel.Load(folder, new BertLoadOptions { WeightType = types[i] });
            var (ids0, types0, mask0) = Sentence(models[i].Config.VocabSize, 128);
            models[i].Forward(new BertInput(ids0, types0, mask0, 1, 128), new BertOutputs { LastHiddenState = new float[128 * models[i].Config.HiddenSize] });
            long added = Resident() - before;
            var (anon1, file1) = ResidentSplit();
            Console.WriteLine($"// {types[i]}: resident +{added / 1e6:F0} MB after load and one pass ({(double)added / weightBytes:F2}× the {weightBytes / 1e6:F0} MB F32 checkpoint; " +
                $"anonymous +{(anon1 - anon0) / 1e6:F0} MB, file-backed +{(file1 - file0) / 1e6:F0} MB)");
        }
        using var options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(Path.Combine(folder, "model.onnx"), options);
        int h = models[0].Config.HiddenSize;
        Console.WriteLine($"BERT-{preset} synthetic, ORT 2 intra-op threads, ours {Bert.Kernels.KernelThreads.Concurrency} kernel threads");
        Console.WriteLine("| shape | weights | ms ours | ms ORT F32 | ratio | cosine worst token | cosine pooler |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int seq in new[] { 8, 128 })
        {
            var (ids, typeIds, mask) = Sentence(models[0].Config.VocabSize, seq);
            var ortHidden = new float[seq * h];
            var ortPooled = new float[h];
            long[] shape = [1, seq];
            using var runOptions = new RunOptions();
            OrtValue[] inputs = [Int64(ids, shape), Int64(mask, shape), Int64(typeIds, shape)];
            OrtValue[] outputs = [OrtValue.CreateTensorValueFromMemory(ortHidden, [1, seq, h]), OrtValue.CreateTensorValueFromMemory(ortPooled, [1, h])];
            void Ort() => session.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], inputs, ["last_hidden_state", "pooler_output"], outputs);
            var hidden = types.Select(_ => new float[seq * h]).ToArray();
            var pooled = types.Select(_ => new float[h]).ToArray();
            var runs = new List<Action> { Ort };
            for (int i = 0; i < types.Length; i++)
            {
                var (model, hi, po) = (models[i], hidden[i], pooled[i]);
                runs.Add(() => model.Forward(new BertInput(ids, typeIds, mask, 1, seq), new BertOutputs { LastHiddenState = hi, PoolerOutput = po }));
            }
            foreach (var r in runs) r();
            var times = BlockTiming.Run(runs, runs.Count * seconds, minRuns: 3);
            double ort = BlockTiming.Median(times[0]);
            for (int i = 0; i < types.Length; i++)
            {
                double worst = 1;
                for (int t = 0; t < seq; t++) worst = Math.Min(worst, Cosine(hidden[i].AsSpan(t * h, h), ortHidden.AsSpan(t * h, h)));
                double ours = BlockTiming.Median(times[i + 1]);
                Console.WriteLine($"| 1×{seq} | {types[i]} | {ours:F2} | {ort:F2} | {ours / ort:F2} | {worst:F7} | {Cosine(pooled[i], ortPooled):F7} |");
            }
            foreach (var v in inputs.Concat(outputs)) v.Dispose();
        }
        foreach (var m in models) m.Dispose();
        Console.WriteLine("Medians of calls in alternating blocks (BlockTiming): compare ratios within one run only.");
        return 0;
    }

    // RssAnon and RssFile of /proc/self/status (Linux; zeros elsewhere), bytes.
    private static (long Anonymous, long File) ResidentSplit()
    {
        if (!File.Exists("/proc/self/status")) return (0, 0);
        long Field(string[] lines, string name) => lines.Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Select(l => long.Parse(l[name.Length..].Trim().Split(' ')[0]) * 1024).FirstOrDefault();
        var status = File.ReadAllLines("/proc/self/status");
        return (Field(status, "RssAnon:"), Field(status, "RssFile:"));
    }

    private static long Resident()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    private static OrtValue Int64(int[] values, long[] shape) => OrtValue.CreateTensorValueFromMemory(values.Select(x => (long)x).ToArray(), shape);

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
        string root = Path.GetTempPath();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bert.sln"))) { root = Path.Combine(dir.FullName, "models"); break; }
        string folder = Path.Combine(root, $"synthetic-{preset}-bench");
        if (!File.Exists(Path.Combine(folder, "model.onnx")))
            SyntheticCheckpoint.Create(folder, new SyntheticOptions { Config = SyntheticPresets.Get(preset), WriteOnnx = true, Seed = 1 });
        return folder;
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }
}
