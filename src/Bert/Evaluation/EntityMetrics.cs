namespace Bert.Evaluation;

/// <summary>How entities are read from a tag sequence (seqeval's two modes).</summary>
public enum EntityMode
{
    /// <summary>
    /// seqeval's default (conlleval-compatible) mode: a chunk also starts at an I- tag after O or after a different type,
    /// so <c>O I-PER I-PER</c> is one PER entity. This is what seqeval, <c>evaluate.load("seqeval")</c> and the transformers
    /// NER examples report, so numbers compare with published ones. E- and S- tags (IOBES) are understood too.
    /// </summary>
    Default,

    /// <summary>
    /// seqeval's <c>mode="strict", scheme=IOB2</c>: an entity is a B-X followed by any I-X; an I- tag that does not continue
    /// a B-/I- of the same type starts nothing and is dropped. Only B-, I- and O tags are allowed.
    /// </summary>
    Strict,
}

/// <summary>One entity (chunk) of a tag sequence.</summary>
/// <param name="Type">Entity type: the tag after its prefix (<c>B-PER</c> → <c>PER</c>); <c>_</c> for a bare prefix.</param>
/// <param name="Sentence">Index of the sentence it belongs to.</param>
/// <param name="Start">First token index.</param>
/// <param name="End">One past the last token index.</param>
public sealed record Entity(string Type, int Sentence, int Start, int End);

/// <summary>
/// Entity-level precision, recall and F1 for sequence labelling (NER), as seqeval computes them: an entity counts as
/// correct only if the predicted and gold entity have the same type, sentence, start and end.
/// </summary>
public static class EntityMetrics
{
    /// <summary>The entities of one tag sequence (sentence index 0).</summary>
    /// <param name="tags">Tags such as <c>O</c>, <c>B-PER</c>, <c>I-PER</c>.</param>
    /// <param name="mode">Default (conlleval) or Strict (IOB2).</param>
    /// <exception cref="ArgumentNullException"><paramref name="tags"/> or a tag is null.</exception>
    /// <exception cref="ArgumentException">A tag is empty, or (Strict) does not start with B, I or O.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined value.</exception>
    public static IReadOnlyList<Entity> Extract(IReadOnlyList<string> tags, EntityMode mode = EntityMode.Default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        CheckMode(mode);
        return mode == EntityMode.Strict ? EntityChunks.Strict(tags, 0) : EntityChunks.Default(tags, 0);
    }

    /// <summary>
    /// The report: per entity type (sorted ordinal union of gold and predicted types) precision, recall, F1 and support, the
    /// micro, macro and weighted averages (seqeval's <c>classification_report</c>), and the token accuracy.
    /// </summary>
    /// <param name="expected">Gold tags, one list per sentence.</param>
    /// <param name="predicted">Predicted tags, same shape.</param>
    /// <param name="mode">Default (conlleval, seqeval's default) or Strict (IOB2).</param>
    /// <exception cref="ArgumentNullException">A list or tag is null.</exception>
    /// <exception cref="ArgumentException">No sentence, shapes differ, or a tag is invalid for the mode.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined value.</exception>
    public static EntityReport Compute(IReadOnlyList<IReadOnlyList<string>> expected, IReadOnlyList<IReadOnlyList<string>> predicted, EntityMode mode = EntityMode.Default)
    {
        CheckMode(mode);
        int tokens = CheckShapes(expected, predicted);
        var gold = AllEntities(expected, mode);
        var guess = AllEntities(predicted, mode);
        string[] types = [.. gold.Concat(guess).Select(e => e.Type).Distinct().Order(StringComparer.Ordinal)];
        int[] tp = new int[types.Length], predictedCount = new int[types.Length], actual = new int[types.Length];
        var goldSet = gold.ToHashSet();
        for (int t = 0; t < types.Length; t++)
        {
            actual[t] = gold.Count(e => e.Type == types[t]);
            predictedCount[t] = guess.Count(e => e.Type == types[t]);
            tp[t] = guess.Count(e => e.Type == types[t] && goldSet.Contains(e));
        }
        var rows = MetricAverages.PerClass(types, tp, predictedCount, actual);
        int correct = 0;
        for (int s = 0; s < expected.Count; s++)
            for (int i = 0; i < expected[s].Count; i++)
                if (expected[s][i] == predicted[s][i]) correct++;
        return new EntityReport(rows, MetricAverages.Micro(tp, predictedCount, actual), MetricAverages.Macro(rows), MetricAverages.Weighted(rows),
            tokens == 0 ? 0 : (double)correct / tokens);
    }

    private static void CheckMode(EntityMode mode)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not an EntityMode value.");
    }

    private static List<Entity> AllEntities(IReadOnlyList<IReadOnlyList<string>> sentences, EntityMode mode)
    {
        var all = new List<Entity>();
        for (int s = 0; s < sentences.Count; s++)
            all.AddRange(mode == EntityMode.Strict ? EntityChunks.Strict(sentences[s], s) : EntityChunks.Default(sentences[s], s));
        return [.. all.Distinct()];
    }

    private static int CheckShapes(IReadOnlyList<IReadOnlyList<string>> expected, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(predicted);
        if (expected.Count == 0) throw new ArgumentException("At least one sentence is needed.", nameof(expected));
        if (expected.Count != predicted.Count) throw new ArgumentException($"{expected.Count} gold sentences but {predicted.Count} predicted.", nameof(predicted));
        int tokens = 0;
        for (int s = 0; s < expected.Count; s++)
        {
            if (expected[s] is null) throw new ArgumentNullException(nameof(expected), $"expected[{s}] is null.");
            if (predicted[s] is null) throw new ArgumentNullException(nameof(predicted), $"predicted[{s}] is null.");
            if (expected[s].Count != predicted[s].Count)
                throw new ArgumentException($"Sentence {s} has {expected[s].Count} gold tags but {predicted[s].Count} predicted.", nameof(predicted));
            tokens += expected[s].Count;
        }
        return tokens;
    }
}

/// <summary>The result of <see cref="EntityMetrics.Compute"/> (seqeval's classification report plus accuracy).</summary>
/// <param name="PerType">Precision, recall, F1 and support (gold entities) per entity type, types in ordinal order.</param>
/// <param name="Micro">Over all entities: P = correct / predicted, R = correct / gold — the headline "overall" F1 of seqeval.</param>
/// <param name="Macro">Unweighted mean over types (0 when there is no entity at all; seqeval gives NaN there).</param>
/// <param name="Weighted">Mean over types weighted by support.</param>
/// <param name="TokenAccuracy">Fraction of tokens whose predicted tag equals the gold tag (seqeval's <c>accuracy_score</c>).</param>
public sealed record EntityReport(IReadOnlyList<ClassMetrics> PerType, AveragedMetrics Micro, AveragedMetrics Macro, AveragedMetrics Weighted, double TokenAccuracy);
