namespace Bert.Loading;

/// <summary>
/// The tensors of a checkpoint folder: <c>model.safetensors</c>, or the shards listed by <c>model.safetensors.index.json</c>.
/// </summary>
internal sealed class CheckpointWeights : IWeightSource, IDisposable
{
    /// <summary>The single-file weights name, as transformers writes it.</summary>
    public const string SingleFileName = "model.safetensors";

    private readonly IReadOnlyList<SafeTensorsFile> _files;
    private readonly Dictionary<string, SafeTensorsFile> _owner; // stored tensor name → file holding it

    private CheckpointWeights(string describedBy, IReadOnlyList<SafeTensorsFile> files, Dictionary<string, SafeTensorsFile> owner)
    {
        DescribedBy = describedBy;
        _files = files;
        _owner = owner;
    }

    /// <summary>The file that lists the tensors: <c>model.safetensors</c> or the shard index.</summary>
    public string DescribedBy { get; }

    /// <summary>Every tensor, by stored name.</summary>
    public IEnumerable<SafeTensorInfo> Tensors => _owner.Select(pair => pair.Value.Tensors[pair.Key]);

    /// <summary>Opens the weights of <paramref name="folder"/>, preferring a single <c>model.safetensors</c>.</summary>
    /// <exception cref="BertFormatException">No weights file, or any file is invalid.</exception>
    public static CheckpointWeights Open(string folder)
    {
        string single = Path.Combine(folder, SingleFileName);
        if (File.Exists(single))
        {
            var file = SafeTensorsFile.Open(single);
            return new CheckpointWeights(single, [file], file.Tensors.Keys.ToDictionary(name => name, _ => file, StringComparer.Ordinal));
        }
        string index = Path.Combine(folder, ShardIndex.FileName);
        if (File.Exists(index)) return OpenShards(folder, index);
        string hint = File.Exists(Path.Combine(folder, "pytorch_model.bin")) ? " (pytorch_model.bin is not supported: save the model with safetensors)" : "";
        throw new BertFormatException(single, null, $"the folder has neither {SingleFileName} nor {ShardIndex.FileName}{hint}.");
    }

    private static CheckpointWeights OpenShards(string folder, string index)
    {
        var weightMap = ShardIndex.ReadWeightMap(index);
        var shards = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            var owner = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
            foreach (var (tensor, shardName) in weightMap)
            {
                var shard = shards.GetValueOrDefault(shardName) ?? (shards[shardName] = OpenShard(folder, index, shardName));
                if (!shard.Tensors.ContainsKey(tensor))
                    throw new BertFormatException(index, tensor, $"the weight_map places the tensor in {shardName}, which does not contain it.");
                owner[tensor] = shard; // tensors a shard holds but the map omits are ignored, as transformers' index is authoritative
            }
            return new CheckpointWeights(index, [.. shards.Values], owner);
        }
        catch
        {
            foreach (var shard in shards.Values) shard.Dispose();
            throw;
        }
    }

    private static SafeTensorsFile OpenShard(string folder, string index, string shardName)
    {
        string path = Path.Combine(folder, shardName);
        if (!File.Exists(path))
            throw new BertFormatException(index, shardName, $"the weight_map names shard {shardName}, which is not in the folder.");
        return SafeTensorsFile.Open(path);
    }

    /// <inheritdoc />
    public bool Contains(string name) => WeightNames.TryResolve(name, _owner, out _, out _);

    /// <inheritdoc />
    public ReadOnlyMemory<float> Get(string name, ReadOnlySpan<int> shape)
    {
        if (!WeightNames.TryResolve(name, _owner, out string stored, out var file))
            throw WeightNames.Missing(DescribedBy, name);
        WeightNames.CheckShape(file.Path, name, stored, file.Tensors[stored].Shape, shape);
        return file.GetFloats(stored);
    }

    /// <summary>
    /// The tensor's bfloat16 bits straight from the mapping when it is stored as BF16 (2-byte aligned); null otherwise
    /// (then use <see cref="Get"/>).
    /// </summary>
    /// <exception cref="BertFormatException">The tensor is missing or its shape differs from <paramref name="shape"/>.</exception>
    public ReadOnlyMemory<ushort>? TryGetBFloat16Bits(string name, ReadOnlySpan<int> shape)
    {
        if (!WeightNames.TryResolve(name, _owner, out string stored, out var file))
            throw WeightNames.Missing(DescribedBy, name);
        WeightNames.CheckShape(file.Path, name, stored, file.Tensors[stored].Shape, shape);
        return file.TryGetBFloat16Bits(stored);
    }

    /// <summary>The tensor will not be read again (it was converted): drop its pages from the resident set (see <see cref="SafeTensorsFile.ReleasePages"/>).</summary>
    public void ReleasePages(string name)
    {
        if (WeightNames.TryResolve(name, _owner, out string stored, out var file)) file.ReleasePages(stored);
    }

    /// <summary>Releases every mapped file.</summary>
    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }
}
