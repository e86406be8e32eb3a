using Bert.Pipelines;
using Bert.Tokenization;

namespace Bert;

public sealed partial class BertModel
{
    /// <summary>Token budget of one packed forward pass in the span pipelines (windows are never split across passes).</summary>
    internal const int SpanBatchTokens = 8192;

    /// <summary>
    /// Token classification (named-entity recognition; HF <c>pipeline("token-classification")</c> / <c>"ner"</c>) of one
    /// text with a BertForTokenClassification checkpoint: p = softmax(classifier(h_t)) per token, then entities as
    /// <see cref="TokenClassificationOptions.AggregationStrategy"/> says, minus <see cref="TokenClassificationOptions.IgnoreLabels"/>.
    /// </summary>
    /// <remarks>
    /// Semantics of transformers 4.46–4.52 with a fast tokenizer. Deliberate differences: words are the tokenizer's words
    /// (a "##" piece continues the previous token's word) where HF tests <c>len(token) != len(text[start:end])</c>, which
    /// agrees on ASCII and precomposed text and errs on decomposed accents; without a stride the text is cut at
    /// min(tokenizer max length, max_position_embeddings) tokens (HF: model_max_length only).
    /// </remarks>
    /// <param name="text">The text.</param>
    /// <param name="options">Settings; null for HF's defaults (no aggregation, ignore "O", truncate long texts).</param>
    /// <returns>The entities in text order, with character offsets into <paramref name="text"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or a stride is combined with <see cref="AggregationStrategy.None"/>.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint lacks <c>classifier</c> weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<TokenClassificationEntity> ExtractEntities(string text, TokenClassificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ExtractEntities([text], options)[0];
    }

    /// <summary>
    /// Token classification of many texts: every text (or window of a long text) runs in packed forward passes of up to
    /// a few thousand tokens; result i belongs to texts[i]. See <see cref="ExtractEntities(string, TokenClassificationOptions?)"/>.
    /// </summary>
    /// <param name="texts">The texts.</param>
    /// <param name="options">Settings; null for HF's defaults.</param>
    /// <param name="cancellationToken">Checked between forward passes.</param>
    /// <returns>One list of entities per text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or a stride is combined with <see cref="AggregationStrategy.None"/>.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint lacks <c>classifier</c> weights.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<IReadOnlyList<TokenClassificationEntity>> ExtractEntities(IReadOnlyList<string> texts,
        TokenClassificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new TokenClassificationOptions();
        RequireHead(BertHeads.TokenClassification, "token-classifier (BertForTokenClassification)", nameof(ExtractEntities));
        var tokenizer = RequireTokenizer();
        int maxLength = CheckTokenClassificationOptions(options);
        var encodings = new List<IReadOnlyList<BertEncoding>>(texts.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i] ?? throw new ArgumentNullException(nameof(texts), $"texts[{i}] is null.");
            encodings.Add(options.Stride is int stride
                ? tokenizer.EncodeWithOverflow(text, null, stride, TruncationStrategy.LongestFirst, maxLength)
                : [tokenizer.Encode(text, null, maxLength: maxLength)]);
        }
        int labels = NumLabels;
        var logits = RunWindows(encodings, labels, cancellationToken, (input, rows) =>
            Forward(input, new BertOutputs { TokenClassificationLogits = rows[0] }), 1);
        var names = Enumerable.Range(0, labels).Select(id => ClassificationRules.LabelName(Config.Id2Label, id)).ToArray();
        var result = new IReadOnlyList<TokenClassificationEntity>[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            var windows = encodings[i].Select((e, k) => new TokenClassificationWindow(logits[i][k][0], e.Tokens, e.Offsets, e.SpecialTokensMask, e.WordIds)).ToArray();
            result[i] = TokenClassificationPostprocessor.Process(texts[i], windows, names, options.AggregationStrategy,
                options.IgnoreLabels, tokenizer.Options.UnknownToken, tokenizer.Vocabulary.ContinuingSubwordPrefix);
        }
        return result;
    }

    /// <summary>Runs <see cref="ExtractEntities(string, TokenClassificationOptions?)"/> on the thread pool.</summary>
    /// <param name="text">The text.</param>
    /// <param name="options">Settings; null for HF's defaults.</param>
    /// <param name="cancellationToken">Cancels before the forward pass starts.</param>
    /// <returns>The entities.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public Task<IReadOnlyList<TokenClassificationEntity>> ExtractEntitiesAsync(string text, TokenClassificationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Task.Run(() => ExtractEntities([text], options, cancellationToken)[0], cancellationToken);
    }

    /// <summary>Runs <see cref="ExtractEntities(IReadOnlyList{string}, TokenClassificationOptions?, CancellationToken)"/> on the thread pool.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="options">Settings; null for HF's defaults.</param>
    /// <param name="cancellationToken">Checked between forward passes.</param>
    /// <returns>One list of entities per text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is null.</exception>
    public Task<IReadOnlyList<IReadOnlyList<TokenClassificationEntity>>> ExtractEntitiesAsync(IReadOnlyList<string> texts,
        TokenClassificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Task.Run(() => ExtractEntities(texts, options, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Extractive question answering (HF <c>pipeline("question-answering")</c>) with a BertForQuestionAnswering checkpoint:
    /// <c>[CLS] question [SEP] context [SEP]</c>, the context cut into overlapping windows when long, and the best spans of
    /// the context by p_start(s)·p_end(e) (see <see cref="QuestionAnsweringResult.Score"/>).
    /// </summary>
    /// <remarks>
    /// Semantics of transformers 4.46–4.52 with a fast tokenizer (windows of <c>max_seq_len</c> sharing <c>doc_stride</c>
    /// context tokens, softmax per window over the context and [CLS], spans up to <c>max_answer_len</c> tokens, the k best
    /// of every window pooled and sorted; duplicates from overlapping windows are kept, as before 4.53). Deliberate
    /// differences: spans that begin or end at [CLS] or fall outside the band are never returned (HF may pad top_k with
    /// such score-0 entries); equal scores are ordered by (start, end); a question that leaves a window no more than
    /// doc_stride context tokens throws <see cref="ArgumentException"/> (HF's Rust tokenizer panics).
    /// </remarks>
    /// <param name="question">The question (never truncated unless <see cref="QuestionAnsweringOptions.MaxQuestionLength"/> says so).</param>
    /// <param name="context">The text that holds the answer.</param>
    /// <param name="options">Settings; null for HF's defaults (top 1, answers up to 15 tokens, windows of 384 with stride 128).</param>
    /// <returns>Up to <see cref="QuestionAnsweringOptions.TopK"/> answers, best first, with offsets into <paramref name="context"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// The question or context is empty (as HF); an option is out of range; or the question leaves no room in a window for
    /// more context tokens than the stride.
    /// </exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint lacks <c>qa_outputs</c> weights.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<QuestionAnsweringResult> AnswerQuestion(string question, string context, QuestionAnsweringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(context);
        return AnswerQuestions([(question, context)], options)[0];
    }

    /// <summary>
    /// Answers many (question, context) pairs; all windows run in packed forward passes of up to a few thousand tokens.
    /// Result i belongs to inputs[i]. See <see cref="AnswerQuestion(string, string, QuestionAnsweringOptions?)"/>.
    /// </summary>
    /// <param name="inputs">The (question, context) pairs.</param>
    /// <param name="options">Settings; null for HF's defaults.</param>
    /// <param name="cancellationToken">Checked between forward passes.</param>
    /// <returns>One list of answers per pair.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> or a text in it is null.</exception>
    /// <exception cref="ArgumentException">A text is empty, an option is out of range, or a question is too long for the window.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or the checkpoint lacks <c>qa_outputs</c> weights.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public IReadOnlyList<IReadOnlyList<QuestionAnsweringResult>> AnswerQuestions(IReadOnlyList<(string Question, string Context)> inputs,
        QuestionAnsweringOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new QuestionAnsweringOptions();
        RequireHead(BertHeads.QuestionAnswering, "qa_outputs", nameof(AnswerQuestion));
        var tokenizer = RequireTokenizer();
        var (maxSeq, stride) = CheckQuestionAnsweringOptions(options);
        var encodings = new List<IReadOnlyList<BertEncoding>>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            var (question, context) = inputs[i];
            CheckText(question, $"inputs[{i}].Question", inputs.Count == 1 ? nameof(question) : nameof(inputs));
            CheckText(context, $"inputs[{i}].Context", inputs.Count == 1 ? nameof(context) : nameof(inputs));
            encodings.Add(tokenizer.EncodeWithOverflow(question, context, stride, TruncationStrategy.OnlySecond, maxSeq, true, options.MaxQuestionLength));
        }
        var logits = RunWindows(encodings, 1, cancellationToken, (input, rows) =>
            Forward(input, new BertOutputs { StartLogits = rows[0], EndLogits = rows[1] }), 2);
        var result = new IReadOnlyList<QuestionAnsweringResult>[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            var windows = encodings[i].Select((e, k) => QuestionAnsweringWindowOf(e, logits[i][k][0], logits[i][k][1], tokenizer.ClsTokenId)).ToArray();
            result[i] = QuestionAnsweringPostprocessor.Process(inputs[i].Context, windows, options);
        }
        return result;
    }

    /// <summary>Runs <see cref="AnswerQuestion(string, string, QuestionAnsweringOptions?)"/> on the thread pool.</summary>
    /// <param name="question">The question.</param>
    /// <param name="context">The context.</param>
    /// <param name="options">Settings; null for HF's defaults.</param>
    /// <param name="cancellationToken">Cancels before the forward pass starts.</param>
    /// <returns>The answers, best first.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public Task<IReadOnlyList<QuestionAnsweringResult>> AnswerQuestionAsync(string question, string context,
        QuestionAnsweringOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(context);
        return Task.Run(() => AnswerQuestions([(question, context)], options, cancellationToken)[0], cancellationToken);
    }

    /// <summary>Runs <see cref="AnswerQuestions"/> on the thread pool.</summary>
    /// <param name="inputs">The (question, context) pairs.</param>
    /// <param name="options">Settings; null for HF's defaults.</param>
    /// <param name="cancellationToken">Checked between forward passes.</param>
    /// <returns>One list of answers per pair.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> is null.</exception>
    public Task<IReadOnlyList<IReadOnlyList<QuestionAnsweringResult>>> AnswerQuestionsAsync(IReadOnlyList<(string Question, string Context)> inputs,
        QuestionAnsweringOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Task.Run(() => AnswerQuestions(inputs, options, cancellationToken), cancellationToken);
    }

    /// <summary>HF p_mask inverted: context tokens and every [CLS] may bound an answer.</summary>
    private static QuestionAnsweringWindow QuestionAnsweringWindowOf(BertEncoding e, float[] start, float[] end, int clsId)
    {
        var context = new bool[e.Count];
        var candidate = new bool[e.Count];
        for (int t = 0; t < e.Count; t++)
        {
            context[t] = e.SequenceIds[t] == 1;
            candidate[t] = context[t] || e.Ids[t] == clsId;
        }
        return new QuestionAnsweringWindow(start, end, candidate, e.Offsets, e.WordIds, context);
    }

    private int CheckTokenClassificationOptions(TokenClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.IgnoreLabels, nameof(options.IgnoreLabels));
        if (!Enum.IsDefined(options.AggregationStrategy))
            throw new ArgumentException($"Unknown AggregationStrategy {(int)options.AggregationStrategy}.", nameof(options));
        int maxLength = options.MaxLength ?? MaxTextTokens;
        if (maxLength < 2 || maxLength > MaxTextTokens)
            throw new ArgumentException($"MaxLength must be in 2..{MaxTextTokens} (the model's MaxTextTokens); got {maxLength}.", nameof(options));
        if (options.Stride is int stride)
        {
            if (options.AggregationStrategy == AggregationStrategy.None)
                throw new ArgumentException("Stride needs an AggregationStrategy other than None (entities of overlapping windows are merged as spans), as in HF.", nameof(options));
            if (stride < 0 || stride >= maxLength - 2)
                throw new ArgumentException($"Stride must be in 0..{maxLength - 3} (below MaxLength {maxLength} minus [CLS] and [SEP]); got {stride}.", nameof(options));
        }
        return maxLength;
    }

    private (int MaxSequenceLength, int Stride) CheckQuestionAnsweringOptions(QuestionAnsweringOptions options)
    {
        if (options.TopK < 1) throw new ArgumentException($"TopK must be at least 1; got {options.TopK}.", nameof(options));
        if (options.MaxAnswerLength < 1) throw new ArgumentException($"MaxAnswerLength must be at least 1; got {options.MaxAnswerLength}.", nameof(options));
        if (options.MaxQuestionLength is < 1) throw new ArgumentException($"MaxQuestionLength must be at least 1; got {options.MaxQuestionLength}.", nameof(options));
        int maxSeq = options.MaxSequenceLength ?? Math.Min(MaxTextTokens, 384);
        if (maxSeq < 4 || maxSeq > MaxTextTokens)
            throw new ArgumentException($"MaxSequenceLength must be in 4..{MaxTextTokens} (the model's MaxTextTokens); got {maxSeq}.", nameof(options));
        int stride = options.DocStride ?? Math.Min(maxSeq / 2, 128);
        if (stride < 0 || stride > maxSeq)
            throw new ArgumentException($"DocStride must be in 0..MaxSequenceLength ({maxSeq}); got {stride}.", nameof(options));
        return (maxSeq, stride);
    }

    private static void CheckText(string? text, string name, string parameter)
    {
        if (text is null) throw new ArgumentNullException(parameter, $"{name} is null.");
        if (text.Length == 0) throw new ArgumentException($"{name} is empty (HF refuses empty questions and contexts too).", parameter);
    }

    /// <summary>
    /// Runs every window of every input through the packed forward path in batches of at most <see cref="SpanBatchTokens"/>
    /// tokens and returns, per input, per window, the <paramref name="outputs"/> token-row arrays (each [n·width]).
    /// </summary>
    private float[][][][] RunWindows(List<IReadOnlyList<BertEncoding>> inputs, int width, CancellationToken cancellationToken,
        PackedRun run, int outputs)
    {
        var flat = inputs.SelectMany((windows, i) => windows.Select((e, k) => (Input: i, Window: k, Encoding: e))).ToList();
        var result = inputs.Select(w => new float[w.Count][][]).ToArray();
        for (int first = 0; first < flat.Count;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = 0, tokens = 0;
            while (first + count < flat.Count && (count == 0 || tokens + flat[first + count].Encoding.Length <= SpanBatchTokens))
                tokens += flat[first + count++].Encoding.Length;
            var batch = flat.GetRange(first, count);
            var (ids, typeIds, cu) = BertPackedInput.Pack([.. batch.Select(b => b.Encoding)]);
            var rows = Enumerable.Range(0, outputs).Select(_ => new float[tokens * width]).ToArray();
            run(new BertPackedInput(ids, typeIds, cu), rows);
            for (int j = 0; j < count; j++)
            {
                int start = cu[j] * width, length = (cu[j + 1] - cu[j]) * width;
                result[batch[j].Input][batch[j].Window] = [.. rows.Select(r => r.AsSpan(start, length).ToArray())];
            }
            first += count;
        }
        return result;
    }

    private delegate void PackedRun(BertPackedInput input, float[][] rows);
}
