namespace Bert.Tests.Pipelines;

/// <summary>
/// An independent re-statement of transformers' pipeline post-processing (v4.46–4.52), written from its documented
/// semantics in double precision, without our code: the reference the pipeline tests compare against.
/// </summary>
internal static class HfRules
{
    /// <summary>text_classification.py postprocess: function_to_apply "default" rules, then the stable sort and top_k.</summary>
    public static (int Id, double Score)[] TextClassification(float[] logits, string? problemType, string? function, int? topK)
    {
        int n = logits.Length;
        function ??= problemType == "regression" ? "none"
            : problemType == "multi_label_classification" || n == 1 ? "sigmoid"
            : "softmax";
        double[] scores = function switch
        {
            "sigmoid" => [.. logits.Select(z => 1 / (1 + Math.Exp(-(double)z)))],
            "softmax" => Softmax(logits),
            _ => [.. logits.Select(z => (double)z)],
        };
        // Python's list.sort(reverse=True) is stable: equal scores keep id order.
        var ranked = scores.Select((s, i) => (Id: i, Score: s)).OrderByDescending(x => x.Score).ThenBy(x => x.Id).ToArray();
        return topK is int k ? ranked.Take(k).ToArray() : ranked;
    }

    /// <summary>fill_mask.py: softmax over the vocabulary at the mask, restricted to targets (not renormalised), top_k.</summary>
    public static (int Id, double Score)[] FillMask(float[] logitsRow, int topK, int[]? targets)
    {
        var p = Softmax(logitsRow);
        var candidates = targets ?? Enumerable.Range(0, p.Length).ToArray();
        return candidates.Select(id => (Id: id, Score: p[id])).OrderByDescending(x => x.Score).ThenBy(x => x.Id).Take(Math.Min(topK, candidates.Length)).ToArray();
    }

    /// <summary>BertForNextSentencePrediction: label 0 means "B is a continuation of A"; P = softmax(logits)[0].</summary>
    public static double IsNext(float z0, float z1) => Softmax([z0, z1])[0];

    /// <summary>sentence-transformers CrossEncoder.rank with a 1-label model: activation (sigmoid default), sorted descending.</summary>
    public static (int Index, double Score)[] Rank(float[] logits, bool sigmoid, int? topK)
    {
        var ranked = logits.Select((z, i) => (Index: i, Score: sigmoid ? 1 / (1 + Math.Exp(-(double)z)) : z, Logit: (double)z))
            .OrderByDescending(x => x.Logit).ThenBy(x => x.Index).Select(x => (x.Index, x.Score)).ToArray();
        return topK is int k ? ranked.Take(k).ToArray() : ranked;
    }

    public static double[] Softmax(float[] z)
    {
        double max = z.Max();
        var e = z.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        return [.. e.Select(x => x / sum)];
    }
}
