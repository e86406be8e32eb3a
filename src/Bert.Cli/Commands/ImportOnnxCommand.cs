using System.CommandLine;
using Bert.Cli.Output;
using Bert.Onnx;

namespace Bert.Cli.Commands;

/// <summary><c>bert import-onnx</c>: recovers a Hugging Face folder from a plain ONNX export and its vocab.txt.</summary>
internal static class ImportOnnxCommand
{
    public static Command Create()
    {
        var onnx = new Option<string>("--onnx") { Description = "The ONNX model (optimum or torch.onnx export, not ORT-optimized).", Required = true };
        var vocab = new Option<string>("--vocab") { Description = "The vocab.txt the model was trained with.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Folder to write (must not exist or be empty, unless --overwrite).", Required = true };
        var pooling = new Option<BertPooling?>("--pooling") { Description = "Also write sentence-transformers files with this pooling: Mean or Cls." };
        var normalize = new Option<bool>("--normalize") { Description = "With --pooling: add a Normalize module (unit-length embeddings)." };
        var maxSeq = new Option<int?>("--max-seq-length") { Description = "With --pooling: sentence-transformers max_seq_length." };
        var lowerCase = new Option<bool?>("--lower-case") { Description = "Tokenizer do_lower_case (default: guessed from the vocabulary)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the files of an existing folder." };
        var command = new Command("import-onnx", "Convert a BERT ONNX export + vocab.txt into a Hugging Face folder (config.json, model.safetensors, tokenizer files).")
            { onnx, vocab, output, pooling, normalize, maxSeq, lowerCase, overwrite };
        CliRun.Action(command, (parse, _) =>
        {
            var options = new OnnxImportOptions
            {
                Pooling = parse.GetValue(pooling),
                Normalize = parse.GetValue(normalize),
                MaxSeqLength = parse.GetValue(maxSeq),
                DoLowerCase = parse.GetValue(lowerCase),
                Overwrite = parse.GetValue(overwrite),
            };
            var result = OnnxImporter.Import(parse.GetRequiredValue(onnx), parse.GetRequiredValue(vocab), parse.GetRequiredValue(output), options);
            if (parse.GetValue(CommonOptions.Json))
                JsonLines.Write(new { result.Folder, Tensors = result.TensorNames.Count, result.Files, result.Producer, result.Config.Architectures });
            else
                Console.Out.WriteLine($"Wrote {result.Folder}: {string.Join(", ", result.Config.Architectures)}, {result.TensorNames.Count} tensors, "
                    + $"{result.Config.NumHiddenLayers} layers, hidden {result.Config.HiddenSize} (from {(result.Producer.Length > 0 ? result.Producer : "an unnamed producer")})");
            return Task.FromResult(CliRun.Ok);
        });
        return command;
    }
}
