namespace Bert.Onnx;

/// <summary>What <see cref="OnnxImporter.Import"/> recovered and wrote.</summary>
/// <param name="Folder">Full path of the output folder.</param>
/// <param name="Config">The recovered architecture, as written to <c>config.json</c> (<c>Architectures[0]</c> names the
/// transformers class: <c>BertModel</c>, <c>BertForMaskedLM</c>, ...).</param>
/// <param name="TensorNames">Hugging Face names of the tensors written to <c>model.safetensors</c>, in graph order.</param>
/// <param name="Files">Paths, relative to <paramref name="Folder"/>, of every file written.</param>
/// <param name="Producer">The exporter recorded in the ONNX file (<c>producer_name producer_version</c>, e.g. <c>pytorch 2.2.1</c>).</param>
public sealed record OnnxImportResult(string Folder, BertConfig Config, IReadOnlyList<string> TensorNames, IReadOnlyList<string> Files, string Producer);
