using System.Diagnostics;
using Bert.Loading;
using Bert.Synthetic;

// Command line of the synthetic checkpoint maker: see Usage below.
const string Usage = """
    Writes a synthetic Hugging Face BERT checkpoint (config.json, vocab.txt, tokenizer files, safetensors) and optionally
    an ONNX graph of the same weights.

    Usage: dotnet run -c Release --project src/Bert.Synthetic -- [options] --out <folder>

      --out <folder>        destination folder (required)
      --preset <name>       tiny | base | large                          (default tiny)
      --head <kind>         model | mlm | nsp | pretraining | seqcls | tokcls | qa   (default model)
      --labels <n>          classes of seqcls/tokcls                     (default 2)
      --dtype <t>           f32 | f16 | bf16                             (default f32)
      --seed <n>            generator seed                               (default 1)
      --act <name>          hidden_act: gelu | gelu_new | gelu_pytorch_tanh | relu (default: preset's gelu)
      --layers <n>, --vocab <n>, --max-positions <n>   override the preset's shape
      --prefix <p>          auto | bert | none: "bert." on encoder names (default auto = as transformers)
      --legacy-layernorm    store LayerNorm.gamma / LayerNorm.beta
      --shards <n>          split into n files + model.safetensors.index.json (default 1)
      --decoder <d>         tied | tied-stored | untied: MLM decoder storage (default tied)
      --no-tokenizer-json   do not write tokenizer.json
      --onnx                also write model.onnx
      --hidden-states       expose hidden_states.{i} as extra ONNX outputs
      --help                this text
    """;

try
{
    var options = new SyntheticOptions();
    string? output = null;
    for (int i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--help" or "-h": Console.WriteLine(Usage); return 0;
            case "--out": output = Next(); break;
            case "--preset": options = options with { Config = SyntheticPresets.Get(Next()) }; break;
            case "--head": options = options with { Head = ParseHead(Next()) }; break;
            case "--labels": options = options with { NumLabels = int.Parse(Next()) }; break;
            case "--dtype": options = options with { DType = Enum.Parse<SafeTensorDType>(Next(), ignoreCase: true) }; break;
            case "--seed": options = options with { Seed = ulong.Parse(Next()) }; break;
            case "--act": options = options with { Config = options.Config with { HiddenAct = Next() } }; break;
            case "--layers": options = options with { Config = options.Config with { NumHiddenLayers = int.Parse(Next()) } }; break;
            case "--vocab": options = options with { Config = options.Config with { VocabSize = int.Parse(Next()) } }; break;
            case "--max-positions": options = options with { Config = options.Config with { MaxPositionEmbeddings = int.Parse(Next()) } }; break;
            case "--prefix": options = options with { Prefix = Enum.Parse<TensorNamePrefix>(Next(), ignoreCase: true) }; break;
            case "--legacy-layernorm": options = options with { LegacyLayerNormNames = true }; break;
            case "--shards": options = options with { Shards = int.Parse(Next()) }; break;
            case "--decoder": options = options with { Decoder = Enum.Parse<MlmDecoderStorage>(Next().Replace("-", ""), ignoreCase: true) }; break;
            case "--no-tokenizer-json": options = options with { WriteTokenizerJson = false }; break;
            case "--onnx": options = options with { WriteOnnx = true }; break;
            case "--hidden-states": options = options with { OnnxHiddenStates = true }; break;
            default: throw new ArgumentException($"Unknown argument '{args[i]}' (see --help).");
        }
    }
    if (output is null) throw new ArgumentException("--out <folder> is required (see --help).");

    var clock = Stopwatch.StartNew();
    var checkpoint = SyntheticCheckpoint.Create(output, options);
    long bytes = checkpoint.WeightFiles.Sum(f => new FileInfo(f).Length);
    Console.WriteLine($"Wrote {checkpoint.Folder}: {checkpoint.Config.Architectures[0]}, {checkpoint.TensorNames.Count} tensors, "
        + $"{bytes / 1e6:F1} MB safetensors{(checkpoint.OnnxPath is null ? "" : $" + {new FileInfo(checkpoint.OnnxPath).Length / 1e6:F1} MB onnx")} "
        + $"in {clock.Elapsed.TotalSeconds:F1} s");
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

static SyntheticHead ParseHead(string name) => name.ToLowerInvariant() switch
{
    "model" or "bertmodel" or "base" => SyntheticHead.BertModel,
    "mlm" or "maskedlm" => SyntheticHead.MaskedLM,
    "nsp" or "nextsentenceprediction" => SyntheticHead.NextSentencePrediction,
    "pretraining" => SyntheticHead.PreTraining,
    "seqcls" or "sequenceclassification" => SyntheticHead.SequenceClassification,
    "tokcls" or "tokenclassification" => SyntheticHead.TokenClassification,
    "qa" or "questionanswering" => SyntheticHead.QuestionAnswering,
    _ => throw new ArgumentException($"Unknown head '{name}' (see --help)."),
};
