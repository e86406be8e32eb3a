using System.Diagnostics;

namespace Bert.Tests.Synthetic;

// The maker's command line, run as a child process from the test output folder (the test project references it).
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synth-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WritesTheRequestedCheckpointAndRejectsUnknownArguments()
    {
        string output = Path.Combine(_dir, "qa");
        var (code, _) = Run("--preset", "tiny", "--head", "qa", "--dtype", "bf16", "--shards", "2", "--onnx", "--out", output);
        Assert.Equal(0, code);
        Assert.True(File.Exists(Path.Combine(output, "model.onnx")));
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors.index.json")));
        Assert.Contains("\"BertForQuestionAnswering\"", File.ReadAllText(Path.Combine(output, "config.json")));
        Assert.Contains("\"bfloat16\"", File.ReadAllText(Path.Combine(output, "config.json")));

        var (badCode, error) = Run("--head", "nonsense", "--out", output);
        Assert.Equal(2, badCode);
        Assert.Contains("nonsense", error);
    }

    private static (int Code, string Error) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Bert.Synthetic.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the maker did not finish within 60 s");
        return (process.ExitCode, error.Result);
    }
}
