using BenchmarkDotNet.Running;
using Bert.Benchmarks;

if (args.Length > 0 && args[0] == "gemm") return GemmEfficiency.Run(args);
if (args.Length > 0 && args[0] == "weights") return WeightTypeBench.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
