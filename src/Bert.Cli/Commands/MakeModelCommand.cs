using System.CommandLine;
using Bert.Cli.Output;
using Bert.Loading;
using Bert.Synthetic;

namespace Bert.Cli.Commands;

/// <summary><c>bert make-model</c>: writes a synthetic Hugging Face BERT folder (seeded random weights) for trying the
/// other commands and for tests, with no download.</summary>
internal static class MakeModelCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Destination folder.", Required = true };
        var preset = new Option<string>("--preset") { Description = "tiny (default), base or large.", DefaultValueFactory = _ => "tiny" };
        var head = new Option<string>("--head") { Description = "model (default), mlm, nsp, pretraining, seqcls, tokcls or qa.", DefaultValueFactory = _ => "model" };
        var labels = new Option<int>("--labels") { Description = "Classes of seqcls/tokcls (default 2).", DefaultValueFactory = _ => 2 };
        var dtype = new Option<SafeTensorDType>("--dtype") { Description = "F32 (default), F16 or BF16.", DefaultValueFactory = _ => SafeTensorDType.F32 };
        var seed = new Option<ulong>("--seed") { Description = "Generator seed (default 1): same seed, same bytes.", DefaultValueFactory = _ => 1 };
        var shards = new Option<int>("--shards") { Description = "Number of safetensors files (default 1).", DefaultValueFactory = _ => 1 };
        var onnx = new Option<bool>("--onnx") { Description = "Also write model.onnx of the same weights." };
        var command = new Command("make-model", "Write a synthetic BERT checkpoint folder (random weights, real file formats).")
            { output, preset, head, labels, dtype, seed, shards, onnx };
        CliRun.Action(command, (parse, _) =>
        {
            var options = new SyntheticOptions
            {
                Config = SyntheticPresets.Get(parse.GetRequiredValue(preset)),
                Head = ParseHead(parse.GetRequiredValue(head)),
                NumLabels = parse.GetValue(labels),
                DType = parse.GetValue(dtype),
                Seed = parse.GetValue(seed),
                Shards = parse.GetValue(shards),
                WriteOnnx = parse.GetValue(onnx),
            };
            var checkpoint = SyntheticCheckpoint.Create(parse.GetRequiredValue(output), options);
            long bytes = checkpoint.WeightFiles.Sum(f => new FileInfo(f).Length);
            if (parse.GetValue(CommonOptions.Json))
                JsonLines.Write(new { checkpoint.Folder, Architecture = checkpoint.Config.Architectures[0], Tensors = checkpoint.TensorNames.Count, WeightBytes = bytes, Onnx = checkpoint.OnnxPath });
            else
                Console.Out.WriteLine($"Wrote {checkpoint.Folder}: {checkpoint.Config.Architectures[0]}, {checkpoint.TensorNames.Count} tensors, {bytes / 1e6:F1} MB of weights");
            return Task.FromResult(CliRun.Ok);
        });
        return command;
    }

    private static SyntheticHead ParseHead(string name) => name.ToLowerInvariant() switch
    {
        "model" => SyntheticHead.BertModel,
        "mlm" => SyntheticHead.MaskedLM,
        "nsp" => SyntheticHead.NextSentencePrediction,
        "pretraining" => SyntheticHead.PreTraining,
        "seqcls" => SyntheticHead.SequenceClassification,
        "tokcls" => SyntheticHead.TokenClassification,
        "qa" => SyntheticHead.QuestionAnswering,
        _ => throw new UsageException($"--head: unknown head '{name}' (model, mlm, nsp, pretraining, seqcls, tokcls, qa)."),
    };
}
