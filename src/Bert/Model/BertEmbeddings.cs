using Bert.Kernels;
using Bert.Loading;

namespace Bert.Model;

/// <summary>HF BertEmbeddings: LayerNorm(word[id] + token_type[type] + position[pos]); dropout is identity at inference.</summary>
internal sealed class BertEmbeddings
{
    private readonly ReadOnlyMemory<float> _positionEmbeddings, _tokenTypeEmbeddings;
    private readonly LayerNormWeight _layerNorm;
    private readonly int _hidden;

    private BertEmbeddings(ReadOnlyMemory<float> word, ReadOnlyMemory<float> position, ReadOnlyMemory<float> tokenType, LayerNormWeight layerNorm, int hidden)
    {
        WordEmbeddings = word;
        _positionEmbeddings = position;
        _tokenTypeEmbeddings = tokenType;
        _layerNorm = layerNorm;
        _hidden = hidden;
    }

    /// <summary>The word-embedding table [vocab, hidden]; also the tied MLM decoder weight.</summary>
    public ReadOnlyMemory<float> WordEmbeddings { get; }

    /// <summary>Reads <c>embeddings.*</c>.</summary>
    public static BertEmbeddings Load(IWeightSource weights, BertConfig config)
    {
        int h = config.HiddenSize;
        return new BertEmbeddings(
            weights.Get("embeddings.word_embeddings.weight", [config.VocabSize, h]),
            weights.Get("embeddings.position_embeddings.weight", [config.MaxPositionEmbeddings, h]),
            weights.Get("embeddings.token_type_embeddings.weight", [config.TypeVocabSize, h]),
            LayerNormWeight.Load(weights, "embeddings.LayerNorm", h, config.LayerNormEps),
            h);
    }

    // ids, typeIds, positionIds: [t] (already range-checked); y: [t, hidden]
    /// <summary>y = LayerNorm((word[ids] + token_type[typeIds]) + position[positionIds]), summed in HF's order.</summary>
    public void Forward(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, ReadOnlySpan<int> positionIds, Span<float> y)
    {
        Embedding.SumLayerNorm(WordEmbeddings.Span, _tokenTypeEmbeddings.Span, _positionEmbeddings.Span, _hidden, ids, typeIds, positionIds,
            _layerNorm.Gamma.Span, _layerNorm.Beta.Span, _layerNorm.Eps, y);
    }
}
