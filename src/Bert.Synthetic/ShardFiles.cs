namespace Bert.Synthetic;

/// <summary>Splits the tensors over N safetensors files the way transformers shards (contiguous runs in module order,
/// balanced by bytes) and writes <c>model.safetensors.index.json</c>.</summary>
internal static class ShardFiles
{
    public sealed record Layout(IReadOnlyList<string> Files, int[] ShardOf);

    public static Layout Split(List<PlannedTensor> plan, SyntheticOptions options)
    {
        int n = options.Shards;
        if (n == 1) return new Layout(["model.safetensors"], new int[plan.Count]);
        if (n > plan.Count) throw new ArgumentException($"Cannot split {plan.Count} tensors into {n} shards.");
        int size = options.DType == Bert.Loading.SafeTensorDType.F32 ? 4 : 2;
        long total = plan.Sum(t => t.ElementCount * size), start = 0;
        var shardOf = new int[plan.Count];
        for (int i = 0; i < plan.Count; i++)
        {
            int byBytes = (int)Math.Min(n - 1, start * n / total);
            int previous = i == 0 ? 0 : shardOf[i - 1];
            // Contiguous runs (never skip a shard), and at least one tensor left for each remaining shard.
            shardOf[i] = Math.Min(n - 1, Math.Max(Math.Clamp(byBytes, previous, previous + 1), n - plan.Count + i));
            start += plan[i].ElementCount * size;
        }
        var files = Enumerable.Range(1, n).Select(k => $"model-{k:D5}-of-{n:D5}.safetensors").ToList();
        return new Layout(files, shardOf);
    }

    // {"metadata": {"total_size": bytes of all tensors}, "weight_map": {stored name: file}}, sorted keys, indent 2.
    public static void WriteIndex(string folder, List<PlannedTensor> plan, Layout layout, SyntheticOptions options)
    {
        int size = options.DType == Bert.Loading.SafeTensorDType.F32 ? 4 : 2;
        var weightMap = new Dictionary<string, object?>();
        for (int i = 0; i < plan.Count; i++) weightMap[TensorPlan.StoredName(plan[i], options)] = layout.Files[layout.ShardOf[i]];
        var index = new Dictionary<string, object?>
        {
            ["metadata"] = new Dictionary<string, object?> { ["total_size"] = plan.Sum(t => t.ElementCount * size) },
            ["weight_map"] = weightMap,
        };
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), PythonJson.Serialize(index));
    }
}
