using Bert.Loading;
using Bert.Synthetic.Onnx;

namespace Bert.Synthetic;

/// <summary>
/// A synthetic Hugging Face BERT checkpoint folder: config.json, vocab.txt, tokenizer_config.json,
/// special_tokens_map.json, optional tokenizer.json, model.safetensors (or shards + index) and optional model.onnx.
/// </summary>
/// <remarks>
/// Weights follow transformers' <c>_init_weights</c> (Linear weights and embeddings N(0, 0.02²), the padding row of the
/// word embeddings zero) except that biases and LayerNorm parameters are random too (see <see cref="SyntheticOptions"/>),
/// from a platform-independent seeded generator (see <c>DeterministicRandom</c>). Tensors are generated, written and dropped
/// one at a time, so memory stays at about one tensor (BERT-Large: the 125 MB word embeddings) whatever the model size.
/// </remarks>
public sealed class SyntheticCheckpoint
{
    private SyntheticCheckpoint(string folder, BertConfig config, SyntheticOptions options, IReadOnlyList<string> weightFiles,
        IReadOnlyList<string> tensorNames, string? onnxPath)
    {
        Folder = folder;
        Config = config;
        Options = options;
        WeightFiles = weightFiles;
        TensorNames = tensorNames;
        OnnxPath = onnxPath;
    }

    /// <summary>The checkpoint folder.</summary>
    public string Folder { get; }

    /// <summary>The config as written to config.json (architectures and labels filled in).</summary>
    public BertConfig Config { get; }

    /// <summary>The options it was made with.</summary>
    public SyntheticOptions Options { get; }

    /// <summary>Full paths of the safetensors files.</summary>
    public IReadOnlyList<string> WeightFiles { get; }

    /// <summary>Stored tensor names (with prefix and legacy spellings as chosen), in generation order.</summary>
    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>Full path of model.onnx, or null when not written.</summary>
    public string? OnnxPath { get; }

    /// <summary>Names of the ONNX graph's head outputs (before any <c>hidden_states.{i}</c>), e.g. <c>logits</c>.</summary>
    public IReadOnlyList<string> OnnxOutputNames => BertOnnxGraph.OutputNames(Options.Head);

    /// <summary>Writes a checkpoint into <paramref name="folder"/> (created if needed; existing files of the same names are overwritten).</summary>
    /// <param name="folder">Destination folder.</param>
    /// <param name="options">What to write; see <see cref="SyntheticOptions"/> for defaults.</param>
    /// <returns>A description of what was written.</returns>
    /// <exception cref="ArgumentException">The options describe no valid BERT (e.g. heads do not divide hidden size), more shards
    /// than tensors, or an ONNX graph above protobuf's 2 GiB limit. Nothing is written then.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public static SyntheticCheckpoint Create(string folder, SyntheticOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var config = options.EffectiveConfig();
        var plan = TensorPlan.For(config, options);
        var shards = ShardFiles.Split(plan, options);
        var graph = options.WriteOnnx ? BertOnnxGraph.Build(config, options) : null;
        // A protobuf message cannot exceed 2 GiB; refuse before writing anything (BERT-Large F32 is 1.34 GB).
        if (graph is not null && graph.Weights.Sum(w => 4L * w.Shape.Aggregate(1L, (a, d) => a * d)) > 2_000_000_000)
            throw new ArgumentException("The ONNX graph of this model would exceed protobuf's 2 GiB limit; create it without WriteOnnx.");

        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), HfConfigFile.Serialize(config, options));
        TokenizerFiles.Write(folder, config, options.WriteTokenizerJson);
        string? onnxPath = graph is null ? null : Path.Combine(folder, "model.onnx");
        WriteWeights(folder, config, options, plan, shards, graph, onnxPath);
        if (shards.Files.Count > 1) ShardFiles.WriteIndex(folder, plan, shards, options);

        return new SyntheticCheckpoint(Path.GetFullPath(folder), config, options,
            shards.Files.Select(f => Path.GetFullPath(Path.Combine(folder, f))).ToList(),
            plan.Select(t => TensorPlan.StoredName(t, options)).ToList(), onnxPath is null ? null : Path.GetFullPath(onnxPath));
    }

    /// <summary>The values of one tensor exactly as a loader reads them back (widened from the stored type) and as the
    /// ONNX graph uses them — without writing anything.</summary>
    /// <param name="options">Options of the checkpoint.</param>
    /// <param name="name">Canonical (bare) Hugging Face name, e.g. <c>encoder.layer.0.attention.self.query.weight</c> or <c>classifier.bias</c>.</param>
    /// <returns>Row-major values.</returns>
    /// <exception cref="KeyNotFoundException">The checkpoint of these options has no such tensor.</exception>
    public static float[] GenerateTensor(SyntheticOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = options.EffectiveConfig();
        var tensor = TensorPlan.For(config, options).Find(t => t.Name == name)
            ?? throw new KeyNotFoundException($"The synthetic checkpoint has no tensor '{name}'.");
        return WeightGenerator.Generate(tensor, config, options);
    }

    private static void WriteWeights(string folder, BertConfig config, SyntheticOptions options, List<PlannedTensor> plan,
        ShardFiles.Layout shards, OnnxGraph? graph, string? onnxPath)
    {
        var metadata = new Dictionary<string, string> { ["format"] = "pt" }; // what transformers' save_pretrained writes
        var writers = new List<SafeTensorsWriter>();
        FileStream? onnxStream = null;
        try
        {
            for (int s = 0; s < shards.Files.Count; s++)
            {
                var specs = plan.Where((_, i) => shards.ShardOf[i] == s)
                    .Select(t => new SafeTensorSpec(TensorPlan.StoredName(t, options), options.DType, t.Shape));
                writers.Add(new SafeTensorsWriter(Path.Combine(folder, shards.Files[s]), specs, metadata));
            }
            OnnxModelWriter? onnx = null;
            HashSet<string>? onnxWeights = null;
            if (graph is not null && onnxPath is not null)
            {
                onnxWeights = graph.Weights.Select(w => w.Name).ToHashSet();
                onnxStream = new FileStream(onnxPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
                onnx = new OnnxModelWriter(onnxStream, graph, plan.Select(t => t.Name).ToList());
            }
            for (int i = 0; i < plan.Count; i++)
            {
                float[] values = WeightGenerator.Generate(plan[i], config, options);
                writers[shards.ShardOf[i]].Write(TensorPlan.StoredName(plan[i], options), values);
                if (onnxWeights?.Contains(plan[i].Name) == true) onnx!.Write(plan[i].Name, values);
            }
            if (onnx is { IsComplete: false }) throw new InvalidOperationException("Internal error: an ONNX weight was not produced.");
        }
        finally
        {
            foreach (var writer in writers) writer.Dispose();
            onnxStream?.Dispose();
        }
    }
}
