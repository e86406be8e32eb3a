namespace Bert.Pipelines;

/// <summary>
/// HF <c>QuestionAnsweringPipeline.postprocess</c> (transformers 4.46–4.52, fast tokenizer) as a pure function over arrays.
/// </summary>
/// <remarks>
/// Per window: logits of tokens that cannot bound an answer become −10000; p_start = softmax(start logits),
/// p_end = softmax(end logits) over the window; the null score is p_start[0]·p_end[0] ([CLS]); then p[0] := 0 and a span
/// (s, e) scores p_start[s]·p_end[e] for s ≤ e ≤ s + max_answer_len − 1 with both ends allowed. The k best spans of every
/// window are pooled, the "no answer" entry (the smallest null score over the windows) is added when asked, and the pool is
/// sorted by score (stable) and cut to k. Duplicate answers from overlapping windows are kept, as in HF before 4.53.
/// <para>Deliberate differences: spans that start or end at [CLS], or lie outside the band (HF's zero-filled candidates),
/// are never returned (HF may return them with score 0 when top_k exceeds the positive candidates); ties are broken by
/// (start, end) where NumPy's partition order is unspecified.</para>
/// </remarks>
internal static class QuestionAnsweringPostprocessor
{
    /// <summary>HF's logit for tokens outside the context.</summary>
    public const float MaskedLogit = -10000f;

    /// <summary>Answers of one question from its windows.</summary>
    public static List<QuestionAnsweringResult> Process(string context, IReadOnlyList<QuestionAnsweringWindow> windows, QuestionAnsweringOptions options)
    {
        double minNull = 1_000_000;   // HF's "large and positive" start value
        var answers = new List<QuestionAnsweringResult>();
        foreach (var w in windows)
        {
            var pStart = MaskedSoftmax(w.StartLogits, w.Candidate);
            var pEnd = MaskedSoftmax(w.EndLogits, w.Candidate);
            if (options.HandleImpossibleAnswer) minNull = Math.Min(minNull, pStart[0] * pEnd[0]);
            pStart[0] = pEnd[0] = 0;
            foreach (var (s, e, score) in BestSpans(pStart, pEnd, w.Candidate, options.TopK, options.MaxAnswerLength))
            {
                var (start, end) = CharSpan(w, s, e, options.AlignToWords);
                answers.Add(new QuestionAnsweringResult(context[start..end], (float)score, start, end));
            }
        }
        if (options.HandleImpossibleAnswer) answers.Add(new QuestionAnsweringResult("", (float)minNull, 0, 0));
        return [.. answers.OrderByDescending(a => a.Score).Take(options.TopK)];
    }

    /// <summary>softmax over the window with non-candidate logits replaced by −10000 (so they still count, at ≈ 0).</summary>
    internal static double[] MaskedSoftmax(float[] logits, bool[] candidate)
    {
        var z = new double[logits.Length];
        double max = double.NegativeInfinity;
        for (int t = 0; t < z.Length; t++)
        {
            z[t] = candidate[t] ? logits[t] : MaskedLogit;
            max = Math.Max(max, z[t]);
        }
        double sum = 0;
        for (int t = 0; t < z.Length; t++) sum += z[t] = Math.Exp(z[t] - max);
        for (int t = 0; t < z.Length; t++) z[t] /= sum;
        return z;
    }

    /// <summary>
    /// The k highest p_start[s]·p_end[e] with 1 ≤ s ≤ e &lt; s + maxAnswerLength and both ends candidates, best first,
    /// ties by (s, e).
    /// </summary>
    internal static List<(int Start, int End, double Score)> BestSpans(double[] pStart, double[] pEnd, bool[] candidate, int topK, int maxAnswerLength)
    {
        var spans = new List<(int Start, int End, double Score)>();
        for (int s = 1; s < pStart.Length; s++)
        {
            if (!candidate[s]) continue;
            for (int e = s; e < Math.Min(pEnd.Length, s + maxAnswerLength); e++)
                if (candidate[e]) spans.Add((s, e, pStart[s] * pEnd[e]));
        }
        // Stable sort: equal scores keep (s, e) order.
        return [.. spans.OrderByDescending(x => x.Score).Take(topK)];
    }

    /// <summary>
    /// HF get_indices: with word alignment, from the first char of the start token's word to the last char of the end
    /// token's word, counting only the word's tokens inside this window; otherwise the tokens' own offsets.
    /// </summary>
    internal static (int Start, int End) CharSpan(QuestionAnsweringWindow w, int s, int e, bool alignToWords)
    {
        if (!alignToWords || w.WordIds[s] < 0 || w.WordIds[e] < 0) return (w.Offsets[s].Start, w.Offsets[e].End);
        int first = s, last = e;
        while (first > 0 && w.IsContext[first - 1] && w.WordIds[first - 1] == w.WordIds[s]) first--;
        while (last + 1 < w.Count && w.IsContext[last + 1] && w.WordIds[last + 1] == w.WordIds[e]) last++;
        return (w.Offsets[first].Start, w.Offsets[last].End);
    }
}
