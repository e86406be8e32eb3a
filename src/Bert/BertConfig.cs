namespace Bert;

/// <summary>
/// The architecture of a BERT checkpoint; property names mirror the keys of Hugging Face's <c>config.json</c>.
/// </summary>
/// <remarks>Defaults are those of <c>BertConfig()</c> in transformers (BERT-Base uncased).</remarks>
public sealed record BertConfig
{
    /// <summary><c>vocab_size</c>: rows of the word-embedding table.</summary>
    public int VocabSize { get; init; } = 30522;

    /// <summary><c>hidden_size</c>: width H of every token vector.</summary>
    public int HiddenSize { get; init; } = 768;

    /// <summary><c>num_hidden_layers</c>: number of encoder layers.</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary><c>num_attention_heads</c>: heads per self-attention; must divide <see cref="HiddenSize"/>.</summary>
    public int NumAttentionHeads { get; init; } = 12;

    /// <summary><c>intermediate_size</c>: width of the feed-forward layer.</summary>
    public int IntermediateSize { get; init; } = 3072;

    /// <summary><c>hidden_act</c>: one of <c>gelu</c> (exact erf), <c>gelu_new</c>, <c>gelu_pytorch_tanh</c> (tanh approximation) or <c>relu</c>.</summary>
    public string HiddenAct { get; init; } = "gelu";

    /// <summary><c>max_position_embeddings</c>: longest sequence the position table covers.</summary>
    public int MaxPositionEmbeddings { get; init; } = 512;

    /// <summary><c>type_vocab_size</c>: number of segment (token type) ids.</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary><c>layer_norm_eps</c>: ε added to the variance in every LayerNorm.</summary>
    public float LayerNormEps { get; init; } = 1e-12f;

    /// <summary><c>pad_token_id</c>: id of <c>[PAD]</c>.</summary>
    public int PadTokenId { get; init; }

    /// <summary><c>position_embedding_type</c>: only <c>absolute</c> is supported.</summary>
    public string PositionEmbeddingType { get; init; } = "absolute";

    /// <summary><c>architectures</c>: the transformers class names the checkpoint was saved from, e.g. <c>BertForMaskedLM</c>.</summary>
    public IReadOnlyList<string> Architectures { get; init; } = [];

    /// <summary><c>id2label</c>: class index → label name for classification heads (empty when absent).</summary>
    public IReadOnlyDictionary<int, string> Id2Label { get; init; } = new Dictionary<int, string>();

    /// <summary><c>label2id</c>: label name → class index (empty when absent).</summary>
    public IReadOnlyDictionary<string, int> Label2Id { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// <c>problem_type</c>: <c>regression</c>, <c>single_label_classification</c> or <c>multi_label_classification</c>, or null
    /// when absent; decides the score function of sequence classification (see <c>Bert.Pipelines.ClassificationFunction</c>).
    /// </summary>
    public string? ProblemType { get; init; }

    /// <summary>
    /// sentence-transformers' CrossEncoder activation: <c>sentence_transformers.activation_fn</c> (or the older
    /// <c>sbert_ce_default_activation_function</c>), a dotted class path such as <c>torch.nn.modules.activation.Sigmoid</c>;
    /// null when absent.
    /// </summary>
    public string? CrossEncoderActivationFunction { get; init; }

    /// <summary>Width of one attention head: <c>hidden_size / num_attention_heads</c>.</summary>
    public int HeadSize => HiddenSize / NumAttentionHeads;
}
