using System.Text.Json;
using Bert.Synthetic;
using Bert.Tests.Hub;

namespace Bert.Cli.Tests;

/// <summary><c>bert download</c> and <c>--model org/name</c> against the fake hub on 127.0.0.1, then offline from the cache.</summary>
public sealed class DownloadCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-cli-hub-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Download_then_encode_by_id_offline_uses_the_cache()
    {
        string source = Path.Combine(_root, "source"), home = Path.Combine(_root, "hf-home");
        SyntheticCheckpoint.Create(source, new SyntheticOptions());
        using var hub = new FakeHub("test-org/tiny", source);
        var env = new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Endpoint, ["HF_HOME"] = home };

        var download = BertTool.Run(["download", "test-org/tiny", "--json"], null, env);
        Assert.True(download.ExitCode == 0, download.Stderr);
        var result = JsonDocument.Parse(download.Stdout).RootElement;
        string folder = result.GetProperty("folder").GetString()!;
        Assert.Equal(Path.Combine(home, "hub", "models--test-org--tiny", "snapshots", hub.Commit), folder);
        Assert.Contains("model.safetensors", result.GetProperty("files").EnumerateArray().Select(f => f.GetString()));

        env["HF_HUB_OFFLINE"] = "1";
        env["HF_ENDPOINT"] = "http://127.0.0.1:9";
        var encode = BertTool.Run(["encode", "-m", "test-org/tiny", "--json", "hello"], null, env);
        Assert.True(encode.ExitCode == 0, encode.Stderr);
        using var model = BertModel.Load(source);
        var expected = model.Encode("hello");
        var actual = JsonDocument.Parse(encode.Stdout).RootElement.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle());
        Assert.Equal(expected, actual);   // batch of one, same bytes: identical
    }

    [Fact]
    public void Download_of_a_missing_repository_is_exit_2_with_the_hubs_reason()
    {
        string source = Path.Combine(_root, "source");
        SyntheticCheckpoint.Create(source, new SyntheticOptions());
        using var hub = new FakeHub("test-org/tiny", source);
        var r = BertTool.Run(["download", "test-org/other"], null, new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Endpoint, ["HF_HOME"] = Path.Combine(_root, "h") });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("test-org/other", r.Stderr);
        Assert.Contains("not found", r.Stderr);
    }
}
