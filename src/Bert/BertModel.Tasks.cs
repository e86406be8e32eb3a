using Bert.Pipelines;

namespace Bert;

public sealed partial class BertModel
{
    /// <summary>
    /// Text classification (BertForSequenceClassification), Hugging Face's text-classification pipeline: the text is
    /// tokenized as <c>[CLS] text [SEP]</c>, z = classifier(pooler_output), and scores s = f(z) with f chosen by
    /// <see cref="TextClassificationOptions.FunctionToApply"/> (by default from <c>problem_type</c> and the number of labels:
    /// softmax, sigmoid for multi-label or 1-label checkpoints, identity for regression).
    /// </summary>
    /// <param name="text">The text, truncated to the maximum length.</param>
    /// <param name="options">Function, top_k, truncation; null for the defaults.</param>
    /// <returns>The best label(s) with scores, the score of every class and the logits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint is not a sequence classifier (see <see cref="BertHeads.SequenceClassification"/>).</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public BertClassification Classify(string text, TextClassificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TextClassificationPipeline.Run(this, [(text, null)], options ?? new(), default)[0];
    }

    /// <summary>
    /// Sequence-pair classification (entailment, paraphrase, cross-encoders): <c>[CLS] text [SEP] textPair [SEP]</c> with
    /// token type 0 for the first part and 1 for the second (HF's <c>{"text", "text_pair"}</c> input); then as
    /// <see cref="Classify(string, TextClassificationOptions?)"/>.
    /// </summary>
    /// <param name="text">First text.</param>
    /// <param name="textPair">Second text.</param>
    /// <param name="options">Function, top_k, truncation; null for the defaults.</param>
    /// <returns>The best label(s) with scores, the score of every class and the logits.</returns>
    /// <exception cref="ArgumentNullException">A text is null.</exception>
    /// <exception cref="ArgumentException">The pair cannot be truncated as asked, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint is not a sequence classifier.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public BertClassification Classify(string text, string textPair, TextClassificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(textPair);
        return TextClassificationPipeline.Run(this, [(text, textPair)], options ?? new(), default)[0];
    }

    /// <summary>Classifies many texts in packed batches (see <see cref="PipelineOptions.MaxBatchTokens"/>); item i equals <c>Classify(texts[i])</c>.</summary>
    /// <param name="texts">The texts (at least one).</param>
    /// <param name="options">Function, top_k, truncation, batch budget; null for the defaults.</param>
    /// <returns>One result per text, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or an item is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="texts"/> is empty, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint is not a sequence classifier.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<BertClassification> Classify(IReadOnlyList<string> texts, TextClassificationOptions? options = null)
    {
        TaskInputs.CheckTexts(texts, nameof(texts));
        return TextClassificationPipeline.Run(this, [.. texts.Select(t => (t, (string?)null))], options ?? new(), default);
    }

    /// <summary>Classifies many texts or pairs (a null <c>TextPair</c> means a single text) in packed batches.</summary>
    /// <param name="inputs">(text, text_pair) items (at least one).</param>
    /// <param name="options">Function, top_k, truncation, batch budget; null for the defaults.</param>
    /// <returns>One result per input, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> or a text is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is empty, a pair cannot be truncated as asked, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint is not a sequence classifier.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<BertClassification> Classify(IReadOnlyList<(string Text, string? TextPair)> inputs, TextClassificationOptions? options = null)
        => ClassifyCore(inputs, options, default);

    /// <summary>
    /// <see cref="Classify(IReadOnlyList{ValueTuple{string, string}}, TextClassificationOptions?)"/> on the thread pool;
    /// cancellation is checked between packed batches.
    /// </summary>
    /// <param name="inputs">(text, text_pair) items (at least one); a null pair means a single text.</param>
    /// <param name="options">Function, top_k, truncation, batch budget; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the remaining batches.</param>
    /// <returns>One result per input, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> or a text is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is empty.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<IReadOnlyList<BertClassification>> ClassifyAsync(IReadOnlyList<(string Text, string? TextPair)> inputs,
        TextClassificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        TaskInputs.CheckTexts(inputs, nameof(inputs));
        return Task.Run(() => ClassifyCore(inputs, options, cancellationToken), cancellationToken);
    }

    /// <summary>Asynchronous <see cref="Classify(IReadOnlyList{string}, TextClassificationOptions?)"/>; see the pair overload.</summary>
    /// <param name="texts">The texts (at least one).</param>
    /// <param name="options">Function, top_k, truncation, batch budget; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the remaining batches.</param>
    /// <returns>One result per text, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or an item is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="texts"/> is empty.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<IReadOnlyList<BertClassification>> ClassifyAsync(IReadOnlyList<string> texts, TextClassificationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        TaskInputs.CheckTexts(texts, nameof(texts));
        return ClassifyAsync([.. texts.Select(t => (t, (string?)null))], options, cancellationToken);
    }

    private IReadOnlyList<BertClassification> ClassifyCore(IReadOnlyList<(string Text, string? TextPair)> inputs, TextClassificationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("At least one input is needed.", nameof(inputs));
        return TextClassificationPipeline.Run(this, inputs, options ?? new(), cancellationToken);
    }

    /// <summary>
    /// Cross-encoder reranking (sentence-transformers' <c>CrossEncoder.rank</c>): scores every (query, document) pair,
    /// tokenized as <c>[CLS] query [SEP] document [SEP]</c>, with a 1-label sequence classifier, s = f(z) with f = sigmoid by
    /// default (see <see cref="RerankOptions.Activation"/>), and returns the documents by decreasing score.
    /// </summary>
    /// <param name="query">The query.</param>
    /// <param name="documents">The candidate documents (at least one).</param>
    /// <param name="options">top_k, return_documents, activation, truncation, batch budget; null for the defaults.</param>
    /// <returns>Documents best first (ties in input order), cut to top_k.</returns>
    /// <exception cref="ArgumentNullException">The query, the list or a document is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="documents"/> is empty, a pair cannot be truncated as asked, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint is not a 1-label sequence classifier.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<BertRerankResult> Rerank(string query, IReadOnlyList<string> documents, RerankOptions? options = null)
        => RerankCore(query, documents, options, default);

    /// <summary><see cref="Rerank"/> on the thread pool; cancellation is checked between packed batches.</summary>
    /// <param name="query">The query.</param>
    /// <param name="documents">The candidate documents (at least one).</param>
    /// <param name="options">top_k, return_documents, activation, truncation, batch budget; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the remaining batches.</param>
    /// <returns>Documents best first, cut to top_k.</returns>
    /// <exception cref="ArgumentNullException">The query, the list or a document is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="documents"/> is empty.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<IReadOnlyList<BertRerankResult>> RerankAsync(string query, IReadOnlyList<string> documents, RerankOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        TaskInputs.CheckTexts(documents, nameof(documents));
        return Task.Run(() => RerankCore(query, documents, options, cancellationToken), cancellationToken);
    }

    private IReadOnlyList<BertRerankResult> RerankCore(string query, IReadOnlyList<string> documents, RerankOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        TaskInputs.CheckTexts(documents, nameof(documents));
        return RerankPipeline.Run(this, query, documents, options ?? new(), cancellationToken);
    }

    /// <summary>
    /// Next-sentence prediction (BertForNextSentencePrediction / BertForPreTraining): P(<paramref name="second"/> follows
    /// <paramref name="first"/>) = softmax(z)[0] for the seq_relationship logits z of <c>[CLS] first [SEP] second [SEP]</c>.
    /// </summary>
    /// <param name="first">Sentence A.</param>
    /// <param name="second">Sentence B.</param>
    /// <returns>The probability in [0, 1] that B is the continuation of A.</returns>
    /// <exception cref="ArgumentNullException">A text is null.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint lacks the pooler or <c>cls.seq_relationship</c>.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public float NextSentenceProbability(string first, string second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return NextSentencePipeline.Run(this, [(first, second)], new PipelineOptions(), default)[0];
    }

    /// <summary>Next-sentence probabilities of many pairs in packed batches; item i equals <c>NextSentenceProbability(pairs[i])</c>.</summary>
    /// <param name="pairs">(first, second) pairs (at least one).</param>
    /// <param name="options">Truncation and batch budget; null for the defaults.</param>
    /// <returns>One probability per pair.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pairs"/> or a text is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pairs"/> is empty, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint lacks the pooler or <c>cls.seq_relationship</c>.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<float> NextSentenceProbability(IReadOnlyList<(string First, string Second)> pairs, PipelineOptions? options = null)
        => NextSentenceCore(pairs, options, default);

    /// <summary>Asynchronous <see cref="NextSentenceProbability(IReadOnlyList{ValueTuple{string, string}}, PipelineOptions?)"/>; cancellation is checked between batches.</summary>
    /// <param name="pairs">(first, second) pairs (at least one).</param>
    /// <param name="options">Truncation and batch budget; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the remaining batches.</param>
    /// <returns>One probability per pair.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pairs"/> or a text is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pairs"/> is empty.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<IReadOnlyList<float>> NextSentenceProbabilityAsync(IReadOnlyList<(string First, string Second)> pairs, PipelineOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        CheckPairs(pairs);
        return Task.Run(() => NextSentenceCore(pairs, options, cancellationToken), cancellationToken);
    }

    private IReadOnlyList<float> NextSentenceCore(IReadOnlyList<(string First, string Second)> pairs, PipelineOptions? options, CancellationToken cancellationToken)
    {
        CheckPairs(pairs);
        return NextSentencePipeline.Run(this, pairs, options ?? new(), cancellationToken);
    }

    private static void CheckPairs(IReadOnlyList<(string First, string Second)> pairs)
    {
        TaskInputs.CheckTexts(pairs, nameof(pairs));
        for (int i = 0; i < pairs.Count; i++)
            if (pairs[i].First is null || pairs[i].Second is null) throw new ArgumentNullException(nameof(pairs), $"pairs[{i}] has a null text.");
    }

    /// <summary>
    /// Fill-mask (BertForMaskedLM), Hugging Face's fill-mask pipeline: for each mask token of <paramref name="text"/>, the
    /// top_k candidates by p = softmax(prediction logits at that position) over the vocabulary (each mask scored on its own,
    /// the others left masked), each with its decoded token and the filled-in sequence. Only the masked rows go through the
    /// vocabulary-wide decoder.
    /// </summary>
    /// <param name="text">Text with one or more mask tokens (<c>[MASK]</c>), truncated to the maximum length.</param>
    /// <param name="options">top_k, targets, truncation; null for the defaults.</param>
    /// <returns>One candidate list per mask, in text order, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text has no mask token (after truncation), no target maps to a token, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer or mask token, or the checkpoint lacks <c>cls.predictions</c> weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<IReadOnlyList<BertTokenPrediction>> FillMask(string text, FillMaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return FillMaskPipeline.Run(this, [text], options ?? new(), default)[0];
    }

    /// <summary>Fill-mask for many texts in packed batches; item i equals <c>FillMask(texts[i])</c>.</summary>
    /// <param name="texts">Texts with mask tokens (at least one).</param>
    /// <param name="options">top_k, targets, truncation, batch budget; null for the defaults.</param>
    /// <returns>Per text, one candidate list per mask.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or an item is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, a text has no mask token, no target maps to a token, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer or mask token, or the checkpoint lacks <c>cls.predictions</c> weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<IReadOnlyList<IReadOnlyList<BertTokenPrediction>>> FillMask(IReadOnlyList<string> texts, FillMaskOptions? options = null)
        => FillMaskCore(texts, options, default);

    /// <summary>Asynchronous <see cref="FillMask(IReadOnlyList{string}, FillMaskOptions?)"/>; cancellation is checked between batches.</summary>
    /// <param name="texts">Texts with mask tokens (at least one).</param>
    /// <param name="options">top_k, targets, truncation, batch budget; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the remaining batches.</param>
    /// <returns>Per text, one candidate list per mask.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or an item is null.</exception>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task<IReadOnlyList<IReadOnlyList<IReadOnlyList<BertTokenPrediction>>>> FillMaskAsync(IReadOnlyList<string> texts, FillMaskOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        TaskInputs.CheckTexts(texts, nameof(texts));
        return Task.Run(() => FillMaskCore(texts, options, cancellationToken), cancellationToken);
    }

    private IReadOnlyList<IReadOnlyList<IReadOnlyList<BertTokenPrediction>>> FillMaskCore(IReadOnlyList<string> texts, FillMaskOptions? options, CancellationToken cancellationToken)
    {
        TaskInputs.CheckTexts(texts, nameof(texts));
        return FillMaskPipeline.Run(this, texts, options ?? new(), cancellationToken);
    }

    /// <summary>Test hook: sequence classification of one tokenized sequence with the default function and all labels.</summary>
    internal BertClassification ClassifyTokens(int[] ids, int[] typeIds, int[] mask)
    {
        TextClassificationPipeline.RequireSequenceClassifier(this);
        var logits = new float[NumLabels];
        Forward(new BertInput(ids, typeIds, mask, 1, ids.Length), new BertOutputs { SequenceClassificationLogits = logits });
        var function = ClassificationRules.Resolve(ClassificationFunction.Default, Config.ProblemType, NumLabels);
        return ClassificationRules.Postprocess(logits, function, Config.Id2Label, topK: null);
    }
}
