using Bert.KernelCheck;

namespace Bert.Tests.Kernels;

/// <summary>Every kernel against its naive twin on this machine's widest ISA (the sweeps live in Bert.KernelCheck).</summary>
public class KernelSweepTests
{
    public static TheoryData<string> Sweeps() => [.. KernelSweeps.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void KernelMatchesTwin(string sweep)
    {
        var failures = new List<string>();
        KernelSweeps.All.Single(s => s.Name == sweep).Run(failures);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
    }
}
