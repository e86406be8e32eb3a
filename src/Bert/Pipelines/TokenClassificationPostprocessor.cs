using System.Text;

namespace Bert.Pipelines;

/// <summary>
/// HF <c>TokenClassificationPipeline.postprocess</c> (transformers 4.46–4.52) as a pure function over arrays: softmax per
/// token, word grouping, B-/I- grouping, ignore_labels, and the merge of entities found in overlapping windows.
/// </summary>
/// <remarks>
/// Word boundaries come from the tokenizer's word ids: a token is a sub-word when it continues the previous token's word
/// (a "##" piece). HF's fast-tokenizer heuristic is <c>len(token) != len(text[start:end])</c>, which agrees whenever
/// normalisation keeps the word's length (all ASCII and precomposed text) and misfires on decomposed accents
/// ("cafe\u0301" would glue "cafe" to the previous word); the slow-tokenizer heuristic (no space before the token) also
/// glues punctuation to words. We use the word ids on purpose.
/// </remarks>
internal static class TokenClassificationPostprocessor
{
    /// <summary>Entities of one text from its windows' logits.</summary>
    /// <param name="text">The original text (offsets point into it).</param>
    /// <param name="windows">One window, or the overlapping windows of a long text in order.</param>
    /// <param name="labels">id2label: label name of each of the L logits.</param>
    /// <param name="strategy">HF aggregation_strategy.</param>
    /// <param name="ignoreLabels">HF ignore_labels.</param>
    /// <param name="unknownToken">The [UNK] token string: such a token's word is its original text.</param>
    /// <param name="subwordPrefix">WordPiece continuation prefix ("##"), merged away when words are decoded.</param>
    public static List<TokenClassificationEntity> Process(string text, IReadOnlyList<TokenClassificationWindow> windows,
        IReadOnlyList<string> labels, AggregationStrategy strategy, IReadOnlyCollection<string> ignoreLabels,
        string unknownToken, string subwordPrefix)
    {
        var all = new List<TokenClassificationEntity>();
        foreach (var window in windows)
        {
            var pre = GatherPreEntities(text, window, labels.Count, unknownToken);
            var entities = Aggregate(pre, labels, strategy, subwordPrefix);
            all.AddRange(entities.Where(e => !ignoreLabels.Contains(e.Label)));
        }
        return windows.Count > 1 ? MergeOverlapping(all) : all;
    }

    /// <summary>HF gather_pre_entities: every non-special token with its probability vector.</summary>
    internal static List<PreEntity> GatherPreEntities(string text, TokenClassificationWindow window, int labelCount, string unknownToken)
    {
        if (window.Logits.Length != window.Count * labelCount)
            throw new ArgumentException($"The window has {window.Count} tokens and {labelCount} labels but {window.Logits.Length} logits.", nameof(window));
        var pre = new List<PreEntity>(window.Count);
        for (int t = 0; t < window.Count; t++)
        {
            if (window.SpecialTokensMask[t] != 0) continue;
            var (start, end) = window.Offsets[t];
            var scores = Softmax(window.Logits.AsSpan(t * labelCount, labelCount));
            bool unknown = window.Tokens[t] == unknownToken;
            bool subword = !unknown && t > 0 && window.WordIds[t] >= 0 && window.WordIds[t] == window.WordIds[t - 1];
            pre.Add(new PreEntity(unknown ? text[start..end] : window.Tokens[t], scores, start, end, t, subword));
        }
        return pre;
    }

    /// <summary>HF aggregate: token or word labels, then (except for None) B-/I- groups.</summary>
    internal static List<TokenClassificationEntity> Aggregate(List<PreEntity> pre, IReadOnlyList<string> labels,
        AggregationStrategy strategy, string subwordPrefix)
    {
        var spans = strategy is AggregationStrategy.None or AggregationStrategy.Simple
            ? pre.Select(p => LabelToken(p, labels)).ToList()
            : AggregateWords(pre, labels, strategy, subwordPrefix);
        if (strategy == AggregationStrategy.None)
            return [.. spans.Select(s => new TokenClassificationEntity(s.Label, s.Score, s.Word, s.Start, s.End, s.Index))];
        return GroupEntities(spans, subwordPrefix);
    }

    private static LabelledSpan LabelToken(PreEntity p, IReadOnlyList<string> labels)
    {
        int best = ArgMax(p.Scores);
        return new LabelledSpan(labels[best], p.Scores[best], p.Word, p.Start, p.End, p.Index);
    }

    /// <summary>HF aggregate_words: a word is a token followed by its sub-word tokens.</summary>
    private static List<LabelledSpan> AggregateWords(List<PreEntity> pre, IReadOnlyList<string> labels,
        AggregationStrategy strategy, string subwordPrefix)
    {
        var words = new List<LabelledSpan>();
        int first = 0;
        for (int i = 1; i <= pre.Count; i++)
        {
            if (i < pre.Count && pre[i].IsSubword) continue;
            if (i > first) words.Add(AggregateWord(pre.GetRange(first, i - first), labels, strategy, subwordPrefix));
            first = i;
        }
        return words;
    }

    /// <summary>HF aggregate_word: one label and score for the pieces of a word.</summary>
    private static LabelledSpan AggregateWord(List<PreEntity> pieces, IReadOnlyList<string> labels,
        AggregationStrategy strategy, string subwordPrefix)
    {
        float[] scores = strategy switch
        {
            AggregationStrategy.First => pieces[0].Scores,
            AggregationStrategy.Max => MostConfident(pieces).Scores,
            AggregationStrategy.Average => Mean(pieces),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "None and Simple do not aggregate words."),
        };
        int best = ArgMax(scores);
        string word = DecodeTokens(pieces.Select(p => p.Word), subwordPrefix);
        return new LabelledSpan(labels[best], scores[best], word, pieces[0].Start, pieces[^1].End, pieces[0].Index);
    }

    /// <summary>Python's max(pieces, key=max score): the first piece with the highest top probability.</summary>
    private static PreEntity MostConfident(List<PreEntity> pieces)
    {
        var best = pieces[0];
        foreach (var p in pieces)
            if (p.Scores.Max() > best.Scores.Max()) best = p;
        return best;
    }

    private static float[] Mean(List<PreEntity> pieces)
    {
        var mean = new float[pieces[0].Scores.Length];
        for (int l = 0; l < mean.Length; l++)
        {
            double sum = 0;
            foreach (var p in pieces) sum += p.Scores[l];
            mean[l] = (float)(sum / pieces.Count);
        }
        return mean;
    }

    /// <summary>HF group_entities: adjacent spans with the same tag merge unless the next one is a B- tag.</summary>
    private static List<TokenClassificationEntity> GroupEntities(List<LabelledSpan> spans, string subwordPrefix)
    {
        var groups = new List<TokenClassificationEntity>();
        int first = 0;
        for (int i = 1; i <= spans.Count; i++)
        {
            if (i < spans.Count)
            {
                var (bi, tag) = Tag(spans[i].Label);
                if (tag == Tag(spans[i - 1].Label).Tag && bi != 'B') continue;
            }
            if (i > first) groups.Add(GroupSubEntities(spans.GetRange(first, i - first), subwordPrefix));
            first = i;
        }
        return groups;
    }

    /// <summary>HF group_sub_entities: the group label is the first label after its first '-'; score = mean score.</summary>
    private static TokenClassificationEntity GroupSubEntities(List<LabelledSpan> group, string subwordPrefix)
    {
        string label = group[0].Label;
        int dash = label.IndexOf('-');
        string entityGroup = dash >= 0 ? label[(dash + 1)..] : label;
        float score = (float)group.Average(s => (double)s.Score);
        return new TokenClassificationEntity(entityGroup, score, DecodeTokens(group.Select(s => s.Word), subwordPrefix), group[0].Start, group[^1].End);
    }

    /// <summary>HF get_tag: ('B', X) for "B-X", ('I', X) for "I-X", and ('I', label) for anything else.</summary>
    internal static (char Bi, string Tag) Tag(string label) =>
        label.StartsWith("B-", StringComparison.Ordinal) ? ('B', label[2..])
        : label.StartsWith("I-", StringComparison.Ordinal) ? ('I', label[2..])
        : ('I', label);

    /// <summary>
    /// HF aggregate_overlapping_entities: sorted by start (stable), an entity starting inside the kept one replaces it
    /// when longer, or as long with a higher score; otherwise the kept one is emitted.
    /// </summary>
    internal static List<TokenClassificationEntity> MergeOverlapping(List<TokenClassificationEntity> entities)
    {
        if (entities.Count == 0) return entities;
        var sorted = entities.OrderBy(e => e.Start).ToList();
        var result = new List<TokenClassificationEntity>();
        var kept = sorted[0];
        foreach (var e in sorted)
        {
            if (kept.Start <= e.Start && e.Start < kept.End)
            {
                int length = e.End - e.Start, keptLength = kept.End - kept.Start;
                if (length > keptLength || (length == keptLength && e.Score > kept.Score)) kept = e;
            }
            else
            {
                result.Add(kept);
                kept = e;
            }
        }
        result.Add(kept);
        return result;
    }

    /// <summary>
    /// The WordPiece decoder of HF's fast BERT tokenizer (<c>convert_tokens_to_string</c>): every token after the first
    /// loses its "##" or gets a leading space, then each token is cleaned up (" ." → ".", " ," → ",", ...).
    /// </summary>
    internal static string DecodeTokens(IEnumerable<string> tokens, string subwordPrefix)
    {
        var sb = new StringBuilder();
        bool first = true;
        foreach (string token in tokens)
        {
            string piece = first ? token
                : token.StartsWith(subwordPrefix, StringComparison.Ordinal) ? token[subwordPrefix.Length..]
                : " " + token;
            sb.Append(CleanUp(piece));
            first = false;
        }
        return sb.ToString();
    }

    // The WordPiece decoder's cleanup, applied to one decoded token.
    private static string CleanUp(string s) => s
        .Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
        .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" do not", " don't").Replace(" 's", "'s")
        .Replace(" 've", "'ve").Replace(" 're", "'re");

    /// <summary>p_l = exp(z_l − max z) / Σ_k exp(z_k − max z), in double, rounded to float.</summary>
    internal static float[] Softmax(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (float z in logits) max = Math.Max(max, z);
        double sum = 0;
        foreach (float z in logits) sum += Math.Exp((double)z - max);
        var p = new float[logits.Length];
        for (int l = 0; l < p.Length; l++) p[l] = (float)(Math.Exp((double)logits[l] - max) / sum);
        return p;
    }

    /// <summary>numpy argmax: the first index of the largest value.</summary>
    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
