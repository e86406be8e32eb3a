using System.Text.Json.Nodes;
using Bert.Synthetic;
using Bert.Tests.Model;
using Bert.Tokenization;

namespace Bert.Tests.Pipelines;

/// <summary>Synthetic checkpoints (with model.onnx of the same weights) for the pipeline tests, made once per test class.</summary>
public sealed class TaskCheckpoints : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-tasks-" + Guid.NewGuid().ToString("N"));

    public TaskCheckpoints()
    {
        Classifier = Create("cls", new SyntheticOptions { Head = SyntheticHead.SequenceClassification, NumLabels = 3, LabelNames = ["neg", "neu", "pos"], Seed = 31 });
        CrossEncoder = Create("ce", new SyntheticOptions { Head = SyntheticHead.SequenceClassification, NumLabels = 1, Seed = 32 });
        MaskedLM = Create("mlm", new SyntheticOptions { Head = SyntheticHead.MaskedLM, Seed = 33 });
        NextSentence = Create("nsp", new SyntheticOptions { Head = SyntheticHead.NextSentencePrediction, Seed = 34 });
    }

    public SyntheticCheckpoint Classifier { get; }

    public SyntheticCheckpoint CrossEncoder { get; }

    public SyntheticCheckpoint MaskedLM { get; }

    public SyntheticCheckpoint NextSentence { get; }

    /// <summary>A copy of <paramref name="source"/>'s folder with config.json keys replaced (null removes the key).</summary>
    public string Variant(SyntheticCheckpoint source, string name, params (string Key, JsonNode? Value)[] keys)
    {
        string folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(source.Folder)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        foreach (var (key, value) in keys)
        {
            if (value is null) config.Remove(key);
            else config[key] = value;
        }
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        return folder;
    }

    private readonly Dictionary<string, OnnxReference> _sessions = new();

    /// <summary>ORT's output <paramref name="name"/> for one encoding (one session per checkpoint, reused).</summary>
    public float[] Onnx(SyntheticCheckpoint checkpoint, BertEncoding e, string name = "logits")
    {
        if (!_sessions.TryGetValue(checkpoint.OnnxPath!, out var ort)) _sessions[checkpoint.OnnxPath!] = ort = new OnnxReference(checkpoint.OnnxPath!);
        return ort.Run(e.Ids, e.TypeIds, e.AttentionMask, 1, e.Ids.Length)[name];
    }

    private SyntheticCheckpoint Create(string name, SyntheticOptions options)
        => SyntheticCheckpoint.Create(Path.Combine(_root, name), options with { WriteOnnx = true });

    public void Dispose()
    {
        foreach (var session in _sessions.Values) session.Dispose();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
