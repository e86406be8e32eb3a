using System.Numerics;
using System.Runtime.Intrinsics;
using Bert.KernelCheck;

// Usage: Bert.KernelCheck [--expect-not-accelerated 512|256|128] [sweep-name ...]  (default: all sweeps).
// Exit code 0 = every kernel matches its twin (and the expected ISA is really off).
Console.WriteLine($"Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, " +
    $"Vector128 {Vector128.IsHardwareAccelerated}, Vector<float> {Vector<float>.Count} lanes (accelerated {Vector.IsHardwareAccelerated}), " +
    $"kernel threads {Bert.Kernels.KernelThreads.Concurrency}");
var failures = new List<string>();
var names = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] != "--expect-not-accelerated") { names.Add(args[i]); continue; }
    bool accelerated = args[++i] switch
    {
        "512" => Vector512.IsHardwareAccelerated,
        "256" => Vector256.IsHardwareAccelerated,
        "128" => Vector128.IsHardwareAccelerated,
        var other => throw new ArgumentException($"Unknown width {other}."),
    };
    if (accelerated) failures.Add($"Vector{args[i]} is still accelerated: the environment switch did not take effect.");
}
foreach (var (name, sweep) in KernelSweeps.All)
{
    if (names.Count > 0 && !names.Contains(name)) continue;
    int before = failures.Count;
    sweep(failures);
    Console.WriteLine($"{name}: {(failures.Count == before ? "ok" : $"{failures.Count - before} mismatches")}");
}
foreach (var f in failures.Take(50)) Console.WriteLine("  " + f);
return failures.Count == 0 ? 0 : 1;
