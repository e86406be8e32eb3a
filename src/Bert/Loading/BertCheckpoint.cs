namespace Bert.Loading;

/// <summary>
/// A Hugging Face BERT checkpoint folder opened for inference: <c>config.json</c> plus <c>model.safetensors</c>
/// (or the shards named by <c>model.safetensors.index.json</c>), memory-mapped.
/// </summary>
/// <remarks>
/// Opening parses the config and every safetensors header but reads no tensor data; F32 tensors are later served
/// straight from the mapping, so the process never holds a second copy of them. Tensors are found under the names
/// a bare <c>BertModel</c> uses, whether stored with the <c>bert.</c> prefix or not (see <see cref="IWeightSource"/>).
/// Dispose the checkpoint only after everything using <see cref="Weights"/> is done with it.
/// </remarks>
/// <example><code>
/// using var checkpoint = BertCheckpoint.Open("models/bert-base-uncased");
/// var words = checkpoint.Weights.Get("embeddings.word_embeddings.weight", [checkpoint.Config.VocabSize, checkpoint.Config.HiddenSize]);
/// </code></example>
public sealed class BertCheckpoint : IDisposable
{
    private readonly CheckpointWeights _weights;

    private BertCheckpoint(string folder, BertConfig config, CheckpointWeights weights)
    {
        Folder = folder;
        Config = config;
        _weights = weights;
        Tensors = weights.Tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The checkpoint folder, as given to <see cref="Open"/>.</summary>
    public string Folder { get; }

    /// <summary>The architecture read from <c>config.json</c>.</summary>
    public BertConfig Config { get; }

    /// <summary>The tensors, resolved by Hugging Face name; valid until <see cref="Dispose"/>.</summary>
    public IWeightSource Weights => _weights;

    /// <summary>Every stored tensor (name as stored, dtype, shape), sorted by name.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The stored tensor names, sorted.</summary>
    public IEnumerable<string> TensorNames => Tensors.Select(t => t.Name);

    /// <summary>Reads the config and maps the weights of a checkpoint folder.</summary>
    /// <param name="folder">A folder with <c>config.json</c> and <c>model.safetensors</c> or <c>model.safetensors.index.json</c> plus its shards.</param>
    /// <returns>The open checkpoint; dispose it to unmap the files.</returns>
    /// <exception cref="BertFormatException">
    /// The folder or a file is missing or malformed: invalid config (unsupported activation, <c>hidden_size</c> not
    /// divisible by <c>num_attention_heads</c>, ...), truncated file, bad header, overlapping or out-of-range
    /// <c>data_offsets</c>, unknown dtype, shape/byte-count mismatch, shard or tensor missing. The message names file and field.
    /// </exception>
    public static BertCheckpoint Open(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new BertFormatException(folder, null, "the checkpoint folder does not exist.");
        var config = BertConfigReader.Read(Path.Combine(folder, BertConfigReader.FileName));
        return new BertCheckpoint(folder, config, CheckpointWeights.Open(folder));
    }

    /// <summary>Unmaps the weight files; memory obtained from <see cref="Weights"/> must no longer be used.</summary>
    public void Dispose() => _weights.Dispose();
}
