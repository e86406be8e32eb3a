using System.Text;
using System.Text.RegularExpressions;

namespace Bert.Evaluation;

/// <summary>
/// Exact match and token F1 of extractive QA answers as the official SQuAD v1.1 evaluation script computes them: both
/// strings normalised (<see cref="NormalizeAnswer"/>), the best score over the gold answers, totals in percent.
/// </summary>
public static partial class SquadMetrics
{
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"; // Python's string.punctuation

    /// <summary>
    /// The official normalisation: lower-case; remove ASCII punctuation; replace the words a, an, the by a space; collapse
    /// whitespace runs to single spaces and trim. Lower-casing uses .NET's invariant mapping (Python's differs only in rare
    /// context-dependent cases such as a word-final Σ → ς).
    /// </summary>
    /// <param name="text">An answer.</param>
    /// <returns>The normalised answer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string NormalizeAnswer(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lower = text.ToLowerInvariant();
        var withoutPunctuation = new StringBuilder(lower.Length);
        foreach (char c in lower) if (!AsciiPunctuation.Contains(c)) withoutPunctuation.Append(c);
        var withoutArticles = Articles().Replace(withoutPunctuation.ToString(), " ");
        return string.Join(' ', SplitWhitespace(withoutArticles));
    }

    /// <summary>1 if the normalised prediction equals some normalised gold answer, else 0 (max over gold answers).</summary>
    /// <param name="prediction">The predicted answer.</param>
    /// <param name="groundTruths">The gold answers (at least one).</param>
    /// <exception cref="ArgumentNullException">An argument or a gold answer is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="groundTruths"/> is empty.</exception>
    public static double ExactMatch(string prediction, IReadOnlyList<string> groundTruths)
    {
        string p = NormalizeAnswer(prediction);
        return MaxOver(groundTruths, truth => p == NormalizeAnswer(truth) ? 1.0 : 0.0);
    }

    /// <summary>
    /// Token F1, max over gold answers: with the normalised answers split on whitespace and c = size of the multiset
    /// intersection, P = c / |prediction tokens|, R = c / |gold tokens|, F1 = 2PR / (P + R); 0 when c = 0 (so also when both
    /// normalise to nothing, as in the v1.1 script).
    /// </summary>
    /// <param name="prediction">The predicted answer.</param>
    /// <param name="groundTruths">The gold answers (at least one).</param>
    /// <exception cref="ArgumentNullException">An argument or a gold answer is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="groundTruths"/> is empty.</exception>
    public static double F1(string prediction, IReadOnlyList<string> groundTruths)
    {
        var predicted = SplitWhitespace(NormalizeAnswer(prediction));
        return MaxOver(groundTruths, truth => TokenF1(predicted, SplitWhitespace(NormalizeAnswer(truth))));
    }

    /// <summary>The script's totals: exact_match = 100 · mean EM, f1 = 100 · mean F1 over the questions.</summary>
    /// <param name="answers">Per question: the prediction and its gold answers. A question left unanswered should be passed with an empty prediction (scores 0, as the script counts it).</param>
    /// <returns>Exact match and F1 in percent, and the number of questions.</returns>
    /// <exception cref="ArgumentNullException">An argument or item is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, or a question has no gold answer.</exception>
    public static SquadScore Compute(IReadOnlyList<(string Prediction, IReadOnlyList<string> GroundTruths)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Count == 0) throw new ArgumentException("At least one question is needed.", nameof(answers));
        double em = 0, f1 = 0;
        foreach (var (prediction, truths) in answers)
        {
            em += ExactMatch(prediction, truths);
            f1 += F1(prediction, truths);
        }
        return new SquadScore(100 * em / answers.Count, 100 * f1 / answers.Count, answers.Count);
    }

    private static double TokenF1(string[] predicted, string[] truth)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in truth) counts[t] = counts.GetValueOrDefault(t) + 1;
        int common = 0;
        foreach (var t in predicted)
        {
            if (counts.GetValueOrDefault(t) <= 0) continue;
            counts[t]--;
            common++;
        }
        if (common == 0) return 0;
        double precision = (double)common / predicted.Length, recall = (double)common / truth.Length;
        return 2 * precision * recall / (precision + recall);
    }

    private static double MaxOver(IReadOnlyList<string> groundTruths, Func<string, double> metric)
    {
        ArgumentNullException.ThrowIfNull(groundTruths);
        if (groundTruths.Count == 0) throw new ArgumentException("At least one gold answer is needed.", nameof(groundTruths));
        double best = double.NegativeInfinity;
        for (int i = 0; i < groundTruths.Count; i++)
            best = Math.Max(best, metric(groundTruths[i] ?? throw new ArgumentNullException(nameof(groundTruths), $"groundTruths[{i}] is null.")));
        return best;
    }

    // Python's str.split(): runs of Unicode whitespace, which also counts the separators U+001C–U+001F.
    private static string[] SplitWhitespace(string text)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool space = i == text.Length || char.IsWhiteSpace(text[i]) || text[i] is >= '\u001c' and <= '\u001f';
            if (space && start >= 0)
            {
                words.Add(text[start..i]);
                start = -1;
            }
            else if (!space && start < 0) start = i;
        }
        return [.. words];
    }

    // Python's \b(a|an|the)\b on str: a word char is a letter, a number or '_' (Unicode), so the boundary is spelled out.
    [GeneratedRegex(@"(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])", RegexOptions.CultureInvariant)]
    private static partial Regex Articles();
}

/// <summary>Totals of <see cref="SquadMetrics.Compute"/>, in percent as the official script prints them.</summary>
/// <param name="ExactMatch">100 · mean exact match.</param>
/// <param name="F1">100 · mean token F1.</param>
/// <param name="Count">Number of questions.</param>
public sealed record SquadScore(double ExactMatch, double F1, int Count);
