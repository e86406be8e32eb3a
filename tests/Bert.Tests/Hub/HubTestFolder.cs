using Bert.Synthetic;

namespace Bert.Tests.Hub;

/// <summary>A synthetic sentence-transformers-style BERT folder to serve (tiny weights, modules.json naming a pooling
/// module) and a scratch cache; both deleted on dispose.</summary>
internal sealed class HubTestFolder : IDisposable
{
    public HubTestFolder(int shards = 1, bool pytorchOnly = false)
    {
        SyntheticCheckpoint.Create(Source, new SyntheticOptions { Shards = shards });
        File.WriteAllText(Path.Combine(Source, "modules.json"),
            """[{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},{"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}]""");
        Directory.CreateDirectory(Path.Combine(Source, "1_Pooling"));
        File.WriteAllText(Path.Combine(Source, "1_Pooling", "config.json"), """{"word_embedding_dimension": 64, "pooling_mode_mean_tokens": true}""");
        File.WriteAllText(Path.Combine(Source, "README.md"), "not needed by a BERT folder, must not be downloaded");
        if (pytorchOnly)
        {
            foreach (var f in Directory.GetFiles(Source, "*.safetensors*")) File.Delete(f);
            File.WriteAllBytes(Path.Combine(Source, "pytorch_model.bin"), [1, 2, 3]);
        }
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "bert-hub-" + Guid.NewGuid().ToString("N"));

    public string Source => Path.Combine(Root, "source");

    public string Cache => Path.Combine(Root, "cache");

    public Bert.Hub.HubOptions Options(FakeHub hub, string? token = null, bool offline = false) =>
        new() { Endpoint = hub.Endpoint, CacheDirectory = Cache, Token = token, Offline = offline, Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
