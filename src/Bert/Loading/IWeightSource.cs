namespace Bert.Loading;

/// <summary>
/// Named float tensors of a checkpoint, as the model asks for them.
/// </summary>
/// <remarks>
/// Names are Hugging Face's: encoder tensors as a bare <c>BertModel</c> writes them
/// (<c>embeddings.word_embeddings.weight</c>, <c>encoder.layer.3.attention.self.query.weight</c>, <c>pooler.dense.bias</c>)
/// and head tensors as the task classes write them (<c>cls.predictions.bias</c>, <c>classifier.weight</c>, <c>qa_outputs.weight</c>).
/// Implementations also find a tensor stored with the <c>bert.</c> prefix and the legacy
/// <c>LayerNorm.gamma</c>/<c>LayerNorm.beta</c> spellings of <c>LayerNorm.weight</c>/<c>LayerNorm.bias</c>.
/// </remarks>
public interface IWeightSource
{
    /// <summary>True when a tensor of that name (under any accepted spelling) exists.</summary>
    /// <param name="name">Hugging Face tensor name.</param>
    bool Contains(string name);

    /// <summary>The tensor's elements in row-major order, as F32, without copying F32 data (it may point into a memory-mapped file).</summary>
    /// <param name="name">Hugging Face tensor name.</param>
    /// <param name="shape">The shape the caller requires, e.g. <c>[hidden, hidden]</c>.</param>
    /// <returns>Row-major elements; valid while the source is alive (not disposed).</returns>
    /// <exception cref="BertFormatException">The tensor is missing or its shape differs from <paramref name="shape"/>.</exception>
    ReadOnlyMemory<float> Get(string name, ReadOnlySpan<int> shape);
}
