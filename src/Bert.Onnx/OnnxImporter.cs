using Bert.Onnx.Graph;
using Bert.Onnx.Output;
using Bert.Onnx.Recognition;
using Bert.Tokenization;

namespace Bert.Onnx;

/// <summary>
/// Recovers a Hugging Face BERT folder from an ONNX export (optimum, <c>torch.onnx.export</c>) and its <c>vocab.txt</c>:
/// <c>config.json</c>, <c>model.safetensors</c> (HF tensor names, <c>[out, in]</c> Linear weights, F32),
/// <c>vocab.txt</c>, <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c> and, on request, the
/// sentence-transformers files — a folder <see cref="BertModel.Load(string)"/> opens like any hub checkpoint.
/// </summary>
/// <remarks>
/// <para>The graph is recognised by its dataflow, not by node names: from the <c>Gather</c> of the <c>input_ids</c>
/// input through the embedding sum and LayerNorm, then layer by layer (three projections meeting in
/// <c>Softmax(Q·Kᵀ/√d)·V</c>, the output Linear, residual + LayerNorm, the feed-forward pair around the activation),
/// then the heads on the encoder output. Linear layers may be <c>MatMul</c> + <c>Add</c> with the weight stored
/// <c>[in, out]</c> (torch exports, weights named <c>onnx::MatMul_N</c>) or <c>Gemm</c>; LayerNorm may be the opset-17
/// operator or torch's decomposition. <c>hidden_act</c> (gelu / gelu_new / relu), <c>layer_norm_eps</c>, the head
/// count and every size are read from the graph.</para>
/// <para>Graphs already optimized for ONNX Runtime (fused <c>com.microsoft</c> operators such as <c>Attention</c> or
/// <c>SkipLayerNormalization</c>) and quantized graphs are not supported: import the plain export.</para>
/// <para>The ONNX protobuf is decoded by a small reader of the wire format written for this importer rather than
/// Google.Protobuf: it needs eight messages and about forty fields, it reads a memory-mapped file without copying the
/// weights (Google.Protobuf would materialize every raw_data as a managed ByteString), every length is checked against
/// the bytes left before anything is sliced or allocated, and the package keeps no dependency beyond Bert.</para>
/// <para>Files are written to a temporary folder beside the output and moved into place only when complete, so a
/// failed import leaves nothing half-written.</para>
/// </remarks>
public static class OnnxImporter
{
    /// <summary>Recognises the BERT in <paramref name="onnxPath"/> and returns its config without writing anything
    /// (<c>Architectures[0]</c> names the head; <c>PadTokenId</c> is 0 since no vocabulary is read).</summary>
    /// <param name="onnxPath">The ONNX model.</param>
    /// <returns>The architecture as <see cref="Import"/> would write it to config.json.</returns>
    /// <exception cref="ArgumentException"><paramref name="onnxPath"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="BertFormatException">The file is malformed or holds no recognisable BERT.</exception>
    public static BertConfig ReadConfig(string onnxPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxPath);
        if (!File.Exists(onnxPath)) throw new FileNotFoundException($"The ONNX model '{onnxPath}' does not exist.", onnxPath);
        using var file = OnnxModelFile.Open(onnxPath);
        return BertGraphRecognizer.Recognize(file).Config;
    }

    /// <summary>Imports <paramref name="onnxPath"/> + <paramref name="vocabPath"/> into <paramref name="outputFolder"/>.</summary>
    /// <param name="onnxPath">The ONNX model (external data files, if any, beside it).</param>
    /// <param name="vocabPath">The WordPiece <c>vocab.txt</c> the model was trained with (one token per line, id = line number).</param>
    /// <param name="outputFolder">Folder to create (or, with <see cref="OnnxImportOptions.Overwrite"/>, to update).</param>
    /// <param name="options">Tokenizer and sentence-transformers settings; null for <see cref="OnnxImportOptions.Default"/>.</param>
    /// <returns>The recovered config and what was written.</returns>
    /// <exception cref="ArgumentException">An argument is empty, or the options are inconsistent.</exception>
    /// <exception cref="FileNotFoundException">The ONNX file or the vocabulary does not exist.</exception>
    /// <exception cref="BertFormatException">The ONNX file is malformed or truncated, or holds no recognisable BERT
    /// (the message names the file and what was not found), or the vocabulary does not fit the embedding table.</exception>
    /// <exception cref="IOException">The output folder exists and is not empty (without Overwrite), or cannot be written.</exception>
    public static OnnxImportResult Import(string onnxPath, string vocabPath, string outputFolder, OnnxImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(vocabPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        options ??= OnnxImportOptions.Default;
        options.Validate();
        if (!File.Exists(onnxPath)) throw new FileNotFoundException($"The ONNX model '{onnxPath}' does not exist.", onnxPath);
        if (!File.Exists(vocabPath)) throw new FileNotFoundException($"The vocabulary '{vocabPath}' does not exist.", vocabPath);
        string output = Path.GetFullPath(outputFolder);
        if (!options.Overwrite && Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
            throw new IOException($"The output folder '{output}' exists and is not empty; choose another or set Overwrite.");

        var vocabulary = BertTokenizer.FromVocabFile(vocabPath).Vocabulary;
        using var file = OnnxModelFile.Open(onnxPath);
        var recognized = BertGraphRecognizer.Recognize(file);
        if (vocabulary.Count > recognized.Config.VocabSize)
            throw new BertFormatException(Path.GetFullPath(vocabPath), null,
                $"has {vocabulary.Count} tokens but the model's word-embedding table has only {recognized.Config.VocabSize} rows.");
        var config = recognized.Config with { PadTokenId = vocabulary.TryGetId("[PAD]", out int pad) ? pad : 0 };

        var files = FolderWriter.Write(output, folder =>
        {
            var written = new List<string>();
            written.Add(HfFiles.WriteConfig(folder, config, recognized.TieWordEmbeddings));
            written.Add(HfFiles.WriteWeights(folder, file, recognized.Tensors));
            written.AddRange(HfFiles.WriteTokenizer(folder, vocabPath, vocabulary, config, options));
            if (options.Pooling is not null) written.AddRange(SentenceTransformersFiles.Write(folder, config, options));
            return written;
        });
        return new OnnxImportResult(output, config, recognized.Tensors.Select(t => t.Name).ToList(), files, file.Model.Producer);
    }
}
