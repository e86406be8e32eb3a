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
    /// Sequence classification (BertForSequenceClassification) of one text: z = classifier(pooler_output) and
    /// p = softmax(z), p_i = exp(z_i) / Σ_j exp(z_j).
    /// </summary>
    /// <param name="text">The text, tokenized as <c>[CLS] text [SEP]</c> and truncated to <see cref="MaxTextTokens"/>.</param>
    /// <returns>The arg-max label (named by id2label), its id, the probabilities and the logits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint lacks pooler or classifier weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public BertClassification Classify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var e = RequireTokenizer().Encode(text, null, maxLength: MaxTextTokens);
        return ClassifyTokens(e.Ids, e.TypeIds, e.AttentionMask);
    }

    /// <summary>
    /// Sequence-pair classification (e.g. entailment, paraphrase): the pair is tokenized as <c>[CLS] A [SEP] B [SEP]</c>
    /// with token type 0 for A and 1 for B; then as <see cref="Classify(string)"/>.
    /// </summary>
    /// <param name="textA">First text.</param>
    /// <param name="textB">Second text.</param>
    /// <returns>The arg-max label, its id, the probabilities and the logits.</returns>
    /// <exception cref="ArgumentNullException">A text is null.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint lacks pooler or classifier weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public BertClassification Classify(string textA, string textB)
    {
        ArgumentNullException.ThrowIfNull(textA);
        ArgumentNullException.ThrowIfNull(textB);
        var e = RequireTokenizer().Encode(textA, textB, maxLength: MaxTextTokens);
        return ClassifyTokens(e.Ids, e.TypeIds, e.AttentionMask);
    }

    /// <summary>
    /// Fill-mask (BertForMaskedLM): for each <c>[MASK]</c> token of <paramref name="text"/>, the <paramref name="topK"/>
    /// most probable vocabulary entries, p = softmax(z) over the prediction logits z at that position, most probable first
    /// (lower id first on ties). Only the masked rows go through the vocabulary-wide decoder.
    /// </summary>
    /// <param name="text">Text containing one or more <c>[MASK]</c> (the tokenizer's mask token), truncated to <see cref="MaxTextTokens"/>.</param>
    /// <param name="topK">Candidates per mask, 1 ≤ topK ≤ vocab_size.</param>
    /// <returns>One list of candidates per mask, in text order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text has no mask token, or <paramref name="topK"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint lacks <c>cls.predictions</c> weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<IReadOnlyList<BertTokenPrediction>> FillMask(string text, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(topK, Config.VocabSize);
        RequireHead(BertHeads.MaskedLM, "cls.predictions", "FillMask");
        var tokenizer = RequireTokenizer();
        var e = tokenizer.Encode(text, null, maxLength: MaxTextTokens);
        int[] rows = [.. Enumerable.Range(0, e.Ids.Length).Where(i => e.Ids[i] == tokenizer.MaskTokenId)];
        if (rows.Length == 0) throw new ArgumentException($"The text contains no mask token {tokenizer.Options.MaskToken}.", nameof(text));
        int v = Config.VocabSize;
        var logits = new float[rows.Length * v];
        Forward(new BertInput(e.Ids, e.TypeIds, e.AttentionMask, 1, e.Ids.Length), new BertOutputs { PredictionRows = rows, PredictionLogits = logits });
        var probabilities = new float[logits.Length];
        Softmax.Masked(logits, default, rows.Length, v, probabilities);
        var result = new IReadOnlyList<BertTokenPrediction>[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            var p = probabilities.AsSpan(r * v, v).ToArray();
            result[r] = [.. Enumerable.Range(0, v).OrderByDescending(i => p[i]).ThenBy(i => i).Take(topK)
                .Select(i => new BertTokenPrediction(tokenizer.Vocabulary.GetToken(i) ?? $"[{i}]", i, p[i]))];
        }
        return result;
    }

    private BertTokenizer RequireTokenizer() => Tokenizer
        ?? throw new InvalidOperationException("This model has no tokenizer: its folder has neither tokenizer.json nor vocab.txt. Use Forward with token ids.");

    private static BertTokenizer? TryLoadTokenizer(string folder)
        => File.Exists(Path.Combine(folder, "tokenizer.json")) || File.Exists(Path.Combine(folder, "vocab.txt")) ? BertTokenizer.Load(folder) : null;
}
