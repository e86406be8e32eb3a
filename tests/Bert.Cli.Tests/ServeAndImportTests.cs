using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Bert.Synthetic;

namespace Bert.Cli.Tests;

/// <summary><c>bert import-onnx</c> and <c>bert serve</c> end to end.</summary>
public sealed class ServeAndImportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-cli-serve-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Import_onnx_recovers_a_folder_that_embeds_like_the_original()
    {
        string source = Path.Combine(_root, "source"), imported = Path.Combine(_root, "imported");
        SyntheticCheckpoint.Create(source, new SyntheticOptions { WriteOnnx = true });
        var r = BertTool.Run("import-onnx", "--onnx", Path.Combine(source, "model.onnx"), "--vocab", Path.Combine(source, "vocab.txt"), "--out", imported, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(imported, JsonDocument.Parse(r.Stdout).RootElement.GetProperty("folder").GetString());
        using var original = BertModel.Load(source);
        using var recovered = BertModel.Load(imported);
        // The ONNX graph holds the same F32 weights: the recovered folder must give identical vectors.
        Assert.Equal(original.Encode("hello world"), recovered.Encode("hello world"));

        var again = BertTool.Run("import-onnx", "--onnx", Path.Combine(source, "model.onnx"), "--vocab", Path.Combine(source, "vocab.txt"), "--out", imported);
        Assert.Equal(2, again.ExitCode);   // refuses to overwrite a non-empty folder
        Assert.Contains("not empty", again.Stderr);
    }

    [Fact]
    public async Task Serve_answers_embed_requests_with_the_librarys_vectors()
    {
        string folder = Path.Combine(_root, "model");
        SyntheticCheckpoint.Create(folder, new SyntheticOptions());
        int port = FreePort();
        using var server = BertTool.Start("serve", "--model", folder, "--port", port.ToString(), "--no-playground");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilHealthy(http, server);
            var response = await http.PostAsync("/embed", new StringContent("""{"inputs":"hello world","normalize":false}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var vector = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].EnumerateArray().Select(x => x.GetSingle()).ToArray();
            using var model = BertModel.Load(folder);
            var expected = model.Encode("hello world");
            Assert.Equal(expected.Length, vector.Length);
            for (int i = 0; i < vector.Length; i++) Assert.Equal(expected[i], vector[i], 1e-5f);   // packed server path vs single forward
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }
    }

    private static async Task WaitUntilHealthy(HttpClient http, System.Diagnostics.Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(server.HasExited, $"bert serve exited with {(server.HasExited ? server.ExitCode : 0)}");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException("bert serve did not become healthy in 90 s.");
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
