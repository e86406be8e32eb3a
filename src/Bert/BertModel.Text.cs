using Bert.Kernels;
using Bert.Tokenization;

namespace Bert;

public sealed partial class BertModel
{
    /// <summary>The checkpoint's tokenizer (tokenizer.json or vocab.txt of the folder), or null when it has none.</summary>
    public BertTokenizer? Tokenizer { get; private set; }

    /// <summary>
    /// Longest input the text methods pass to the model: min(tokenizer max length, max_position_embeddings), special tokens included.
    /// Longer texts are truncated (HF "longest_first", from the right).
    /// </summary>
    public int MaxTextTokens => Math.Min(Tokenizer?.MaxLength ?? int.MaxValue, Config.MaxPositionEmbeddings);

    /// <summary>
    /// One embedding vector for <paramref name="text"/>: tokenizes <c>[CLS] text [SEP]</c> (truncated to <see cref="MaxTextTokens"/>),
    /// runs the encoder, and pools the token vectors h_t as <paramref name="pooling"/> says.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="pooling">
    /// <see cref="BertPooling.Mean"/> (default): v = Σ_t h_t / T over all T tokens, [CLS] and [SEP] included;
    /// <see cref="BertPooling.Cls"/>: v = h_0; <see cref="BertPooling.Pooler"/>: v = tanh(W·h_0 + b).
    /// </param>
    /// <returns>A new vector of hidden_size floats (not normalized).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The model has no tokenizer, or <see cref="BertPooling.Pooler"/> was asked of a checkpoint without pooler weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public float[] Encode(string text, BertPooling pooling = BertPooling.Mean)
    {
        ArgumentNullException.ThrowIfNull(text);
        var e = RequireTokenizer().Encode(text, null, maxLength: MaxTextTokens);
        return EncodeTokens(e.Ids, e.TypeIds, e.AttentionMask, pooling);
    }

    /// <summary>
    /// Embeds a batch of texts in one forward pass (padded to the longest); row b equals <see cref="Encode(string, BertPooling)"/> of texts[b]
    /// (mean pooling counts only real tokens: v_b = Σ_t m_bt·h_bt / Σ_t m_bt).
    /// </summary>
    /// <param name="texts">The texts (at least one).</param>
    /// <param name="pooling">As in <see cref="Encode(string, BertPooling)"/>.</param>
    /// <returns>One new hidden_size vector per text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="texts"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or Pooler pooling without pooler weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public float[][] Encode(IReadOnlyList<string> texts, BertPooling pooling = BertPooling.Mean)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) throw new ArgumentException("At least one text is needed.", nameof(texts));
        if (pooling == BertPooling.Pooler) RequireHead(BertHeads.Pooler, "pooler.dense", "Pooler pooling");
        var batch = RequireTokenizer().EncodeBatch(texts, maxLength: MaxTextTokens);
        int b = batch.BatchSize, seq = batch.SequenceLength, h = Config.HiddenSize;
        var input = new BertInput(batch);
        var flat = new float[(pooling == BertPooling.Pooler ? b : b * seq) * h];
        Forward(input, pooling == BertPooling.Pooler ? new BertOutputs { PoolerOutput = flat } : new BertOutputs { LastHiddenState = flat });
        var vectors = new float[b][];
        for (int i = 0; i < b; i++)
        {
            vectors[i] = new float[h];
            if (pooling == BertPooling.Pooler) flat.AsSpan(i * h, h).CopyTo(vectors[i]);
            else if (pooling == BertPooling.Cls) flat.AsSpan(i * seq * h, h).CopyTo(vectors[i]);
            else Pooling.MaskedMean(flat.AsSpan(i * seq * h, seq * h), batch.AttentionMask.AsSpan(i * seq, seq), seq, h, vectors[i]);
        }
        return vectors;
    }

    private BertTokenizer RequireTokenizer() => Tokenizer
        ?? throw new InvalidOperationException("This model has no tokenizer: its folder has neither tokenizer.json nor vocab.txt. Use Forward with token ids.");

    private static BertTokenizer? TryLoadTokenizer(string folder)
        => File.Exists(Path.Combine(folder, "tokenizer.json")) || File.Exists(Path.Combine(folder, "vocab.txt")) ? BertTokenizer.Load(folder) : null;
}
