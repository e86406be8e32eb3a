using BenchmarkDotNet.Running;
using Bert.Benchmarks;

if (args.Length > 0 && args[0] == "gemm") return GemmEfficiency.Run(args);
if (args.Length > 0 && args[0] == "weights") return WeightTypeBench.Run(args);
if (args.Length > 0 && args[0] == "quick") return QuickBench.Run(args);
if (args.Length > 0 && args[0] == "embed") return Bert.Benchmarks.Embeddings.EmbedBench.Run(args);
if (args.Length > 0 && args[0] == "profile") return ProfileBench.Run();
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
