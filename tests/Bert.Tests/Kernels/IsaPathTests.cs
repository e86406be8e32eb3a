using System.Diagnostics;
using Xunit.Abstractions;

namespace Bert.Tests.Kernels;

/// <summary>
/// Re-runs all kernel sweeps in a child process (Bert.KernelCheck) with hardware intrinsics disabled, so the
/// Vector256, Vector128 and software paths are exercised on a machine whose JIT would otherwise pick AVX-512.
/// The child also asserts that the ISA really is off, so a renamed runtime switch cannot make this test vacuous.
/// A last run uses a single kernel thread.
/// </summary>
public class IsaPathTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Configurations() => new()
    {
        // .NET 10 reads DOTNET_EnableAVX512 (earlier runtimes DOTNET_EnableAVX512F): set both.
        { "DOTNET_EnableAVX512F=0;DOTNET_EnableAVX512=0", "512" },
        { "DOTNET_EnableAVX2=0", "256" },
        { "DOTNET_EnableHWIntrinsic=0", "128" },
        // Not an ISA: one kernel thread, so every job runs inline on the caller (the split must not matter).
        { "BERT_KERNEL_THREADS=1", "" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task SweepsPassWithIsaDisabled(string environment, string notAcceleratedBits)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Bert.KernelCheck.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing (Bert.Tests references Bert.KernelCheck so it is copied here).");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        if (notAcceleratedBits.Length > 0)
        {
            start.ArgumentList.Add("--expect-not-accelerated");
            start.ArgumentList.Add(notAcceleratedBits);
        }
        foreach (var pair in environment.Split(';'))
        {
            var kv = pair.Split('=');
            start.Environment[kv[0]] = kv[1];
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        bool exited = true;
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { exited = false; process.Kill(entireProcessTree: true); }
        string text = await stdout + Environment.NewLine + await stderr;
        output.WriteLine(text);
        Assert.True(exited, "Bert.KernelCheck did not finish within 120 s.");
        Assert.True(process.ExitCode == 0, $"Bert.KernelCheck with {environment} exited with {process.ExitCode}:\n{text}");
    }
}
