using System.Diagnostics;

namespace Bert.Benchmarks.Embeddings;

/// <summary>
/// Where the batching API's time goes, rebuilt from the public API in the same steps as <c>Encode(list)</c>: count
/// tokens (tokenizer pass 1), sort by length, tokenize into packed buffers (pass 2), packed forward passes of at most
/// the token budget, pooling. The forward is also timed per sequence alone and with other budgets, so a per-token cost
/// that grows with the batch shows up (the budgets take turns). Medians of 3 runs of each step, in one run.
/// </summary>
internal static class EmbedProfile
{
    private const int Repeats = 3;

    public static void Print(BertModel model, string[] corpus)
    {
        var settings = model.GetEmbeddingSettings();
        var tokenizer = model.Tokenizer!;
        int h = model.Config.HiddenSize, budget = settings.MaxBatchTokens;
        var prepared = Array.ConvertAll(corpus, settings.PrepareText);
        var lengths = Array.ConvertAll(prepared, t => Math.Min(tokenizer.CountTokens(t) + 2, settings.MaxLength));
        int tokens = lengths.Sum();
        var order = Enumerable.Range(0, corpus.Length).OrderByDescending(i => lengths[i]).ToArray();
        var ids = new int[tokens];
        var hidden = new float[tokens * h];

        double count = Time(() => { foreach (var t in prepared) tokenizer.CountTokens(t); });
        double sort = Time(() => Enumerable.Range(0, corpus.Length).OrderByDescending(i => lengths[i]).ToArray());
        double encode = Time(() => Pack(tokenizer, prepared, lengths, order, ids));
        var cu = Pack(tokenizer, prepared, lengths, order, ids);
        double pool = Time(() => { for (int k = 0; k < order.Length; k++) settings.Pool(hidden.AsSpan(cu[k] * h, (cu[k + 1] - cu[k]) * h), cu[k + 1] - cu[k]); });
        long flops = ForwardFlops(model.Config, cu);
        // Budget -1 is the Vector512 FMA loop doing the forward's FLOPs on the same threads: the arithmetic limit.
        var forward = TimeInterleaved([-1, 0, 256, 512, 1024, budget, 8192], b => { if (b < 0) FmaPeak.Run(flops); else Forward(model, ids, cu, b, hidden); });
        double peakMs = forward[0].Ms;

        Console.WriteLine();
        Console.WriteLine($"where Encode(list)'s time goes ({corpus.Length} sentences, {tokens} tokens, forward {flops / 1e9:F0} GFLOP; medians of {Repeats}):");
        Console.WriteLine("| step | ms | µs per token | GFLOP/s (% of FMA peak) |");
        Console.WriteLine("|---|---|---|---|");
        void Row(string step, double ms, bool forwardPass = false) =>
            Console.WriteLine($"| {step} | {ms:F1} | {ms * 1000 / tokens:F2} | {(forwardPass ? $"{flops / ms / 1e6:F0} ({100 * peakMs / ms:F0} %)" : "")} |");
        Row("tokenizer pass 1: count tokens", count);
        Row("sort by length", sort);
        Row("tokenizer pass 2: ids into packed buffers", encode);
        foreach (var (b, ms) in forward)
            Row(b < 0 ? "Vector512 FMA loop, same FLOPs and threads (the limit)" : b == 0 ? "forward, each sequence alone" : $"forward, packed batches ≤ {b} tokens{(b == budget ? " (default budget)" : "")}", ms, forwardPass: true);
        Row("mean pooling + normalize", pool);
    }

    /// <summary>
    /// Multiply-add FLOPs of the encoder on the packed sequences: per token and layer 2·(4H² + 2HI) in the dense layers
    /// (Q, K, V, attention output, intermediate, output), per sequence of n tokens and layer 4n²H in attention (QKᵀ and PV).
    /// </summary>
    private static long ForwardFlops(BertConfig config, int[] cu)
    {
        long h = config.HiddenSize, i = config.IntermediateSize, layers = config.NumHiddenLayers, flops = 0;
        for (int k = 0; k + 1 < cu.Length; k++)
        {
            long n = cu[k + 1] - cu[k];
            flops += layers * (n * 2 * (4 * h * h + 2 * h * i) + 4 * n * n * h);
        }
        return flops;
    }

    /// <summary>Tokenizes the texts in <paramref name="order"/> into <paramref name="ids"/>; returns the cumulative lengths.</summary>
    private static int[] Pack(Tokenization.BertTokenizer tokenizer, string[] prepared, int[] lengths, int[] order, int[] ids)
    {
        var cu = new int[order.Length + 1];
        for (int k = 0; k < order.Length; k++)
            cu[k + 1] = cu[k] + tokenizer.EncodeToIds(prepared[order[k]], ids.AsSpan(cu[k], lengths[order[k]]));
        return cu;
    }

    /// <summary>Packed forward passes over consecutive sequences holding at most <paramref name="budget"/> tokens (0: one sequence each).</summary>
    private static void Forward(BertModel model, int[] ids, int[] cu, int budget, float[] hidden)
    {
        int h = model.Config.HiddenSize, sequences = cu.Length - 1;
        for (int first = 0; first < sequences;)
        {
            int last = first + 1;
            while (last < sequences && cu[last + 1] - cu[first] <= budget) last++;
            var batchCu = cu.AsSpan(first, last - first + 1).ToArray();
            int offset = batchCu[0];
            for (int i = 0; i < batchCu.Length; i++) batchCu[i] -= offset;
            var input = new BertPackedInput(ids.AsSpan(offset, batchCu[^1]), default, batchCu);
            model.Forward(input, new BertOutputs { LastHiddenState = hidden.AsSpan(offset * h, batchCu[^1] * h) });
            first = last;
        }
    }

    /// <summary>Median ms of <paramref name="action"/> per distinct budget, the budgets taking turns in each repeat.</summary>
    private static (int Budget, double Ms)[] TimeInterleaved(int[] budgets, Action<int> action)
    {
        budgets = budgets.Distinct().Order().ToArray();
        var ms = budgets.Select(_ => new List<double>()).ToArray();
        foreach (int b in budgets) action(b);
        for (int i = 0; i < Repeats; i++)
            for (int k = 0; k < budgets.Length; k++)
            {
                long start = Stopwatch.GetTimestamp();
                action(budgets[k]);
                ms[k].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        return budgets.Select((b, k) => (b, BlockTiming.Median(ms[k]))).ToArray();
    }

    private static double Time(Action action)
    {
        action();
        var ms = new List<double>();
        for (int i = 0; i < Repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            ms.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return BlockTiming.Median(ms);
    }
}
