namespace Bert.Tests.Pipelines;

/// <summary>
/// An independent transcription of transformers 4.46–4.52 <c>TokenClassificationPipeline.postprocess</c> and
/// <c>QuestionAnsweringPipeline.postprocess</c> (fast tokenizer path), written from the documented Python semantics in
/// its own style (float32 NumPy arithmetic, dict-like entities, a dense n×n candidate matrix). It shares no code with
/// src/Bert/Pipelines. It follows HF literally, including the fast tokenizer's sub-word rule
/// <c>len(token) != len(text[start:end])</c>, so tests feed it text where that rule and word ids agree.
/// </summary>
internal static class HfPipelineReference
{
    /// <summary>One HF entity dict: exactly one of EntityName / EntityGroup is set.</summary>
    public sealed record Entity(string? EntityName, string? EntityGroup, double Score, string Word, int Start, int End, int? Index);

    /// <summary>One chunk of model output: input_ids, logits [n, L] (flat), offset_mapping, special_tokens_mask.</summary>
    public sealed record Chunk(int[] InputIds, float[] Logits, (int Start, int End)[] Offsets, int[] SpecialTokensMask);

    private sealed record Pre(string Word, float[] Scores, int Start, int End, int Index, bool IsSubword);

    public static List<Entity> TokenClassification(string sentence, IReadOnlyList<Chunk> chunks, string[] id2label,
        string strategy, string[]? ignoreLabels, Func<int, string> convertIdToToken, int unkTokenId)
    {
        ignoreLabels ??= ["O"];
        var all = new List<Entity>();
        foreach (var chunk in chunks)
        {
            int n = chunk.InputIds.Length, l = id2label.Length;
            var pre = new List<Pre>();
            for (int idx = 0; idx < n; idx++)
            {
                if (chunk.SpecialTokensMask[idx] == 1) continue;
                // scores = exp(logits - max) / sum, in float32 as NumPy computes it
                var row = chunk.Logits.Skip(idx * l).Take(l).ToArray();
                float m = row.Max();
                var shifted = row.Select(z => MathF.Exp(z - m)).ToArray();
                float s = 0;
                foreach (var x in shifted) s += x;
                var scores = shifted.Select(x => x / s).ToArray();
                string word = convertIdToToken(chunk.InputIds[idx]);
                var (startInd, endInd) = chunk.Offsets[idx];
                string wordRef = sentence.Substring(startInd, endInd - startInd);
                bool isSubword = word.Length != wordRef.Length;
                if (chunk.InputIds[idx] == unkTokenId)
                {
                    word = wordRef;
                    isSubword = false;
                }
                pre.Add(new Pre(word, scores, startInd, endInd, idx, isSubword));
            }
            var grouped = Aggregate(pre, id2label, strategy);
            all.AddRange(grouped.Where(e => !ignoreLabels.Contains(e.EntityName) && !ignoreLabels.Contains(e.EntityGroup)));
        }
        return chunks.Count > 1 ? AggregateOverlapping(all) : all;
    }

    private static List<Entity> Aggregate(List<Pre> pre, string[] id2label, string strategy)
    {
        List<Entity> entities;
        if (strategy is "none" or "simple")
        {
            entities = [];
            foreach (var p in pre)
            {
                int idx = NpArgmax(p.Scores);
                entities.Add(new Entity(id2label[idx], null, p.Scores[idx], p.Word, p.Start, p.End, p.Index));
            }
        }
        else
        {
            entities = [];
            List<Pre>? group = null;
            foreach (var p in pre)
            {
                if (group is null) group = [p];
                else if (p.IsSubword) group.Add(p);
                else
                {
                    entities.Add(AggregateWord(group, id2label, strategy));
                    group = [p];
                }
            }
            if (group is not null) entities.Add(AggregateWord(group, id2label, strategy));
        }
        return strategy == "none" ? entities : GroupEntities(entities);
    }

    private static Entity AggregateWord(List<Pre> group, string[] id2label, string strategy)
    {
        string word = ConvertTokensToString(group.Select(g => g.Word).ToList());
        float[] scores;
        if (strategy == "first") scores = group[0].Scores;
        else if (strategy == "max")
        {
            var best = group[0];
            foreach (var g in group.Skip(1)) if (g.Scores.Max() > best.Scores.Max()) best = g;   // Python max keeps the first
            scores = best.Scores;
        }
        else if (strategy == "average")
        {
            scores = new float[id2label.Length];
            for (int k = 0; k < scores.Length; k++) scores[k] = group.Select(g => g.Scores[k]).Sum() / group.Count;
        }
        else throw new ArgumentException(strategy);
        int idx = NpArgmax(scores);
        return new Entity(id2label[idx], null, scores[idx], word, group[0].Start, group[^1].End, null);
    }

    private static (string Bi, string Tag) GetTag(string name) =>
        name.StartsWith("B-") ? ("B", name[2..]) : name.StartsWith("I-") ? ("I", name[2..]) : ("I", name);

    private static List<Entity> GroupEntities(List<Entity> entities)
    {
        var groups = new List<Entity>();
        var disagg = new List<Entity>();
        foreach (var e in entities)
        {
            if (disagg.Count == 0)
            {
                disagg.Add(e);
                continue;
            }
            var (bi, tag) = GetTag(e.EntityName!);
            var (_, lastTag) = GetTag(disagg[^1].EntityName!);
            if (tag == lastTag && bi != "B") disagg.Add(e);
            else
            {
                groups.Add(GroupSubEntities(disagg));
                disagg = [e];
            }
        }
        if (disagg.Count > 0) groups.Add(GroupSubEntities(disagg));
        return groups;
    }

    private static Entity GroupSubEntities(List<Entity> entities)
    {
        var parts = entities[0].EntityName!.Split('-', 2);   // Python split("-", 1)[-1]
        string entity = parts[^1];
        double score = entities.Average(e => e.Score);
        return new Entity(null, entity, score, ConvertTokensToString(entities.Select(e => e.Word).ToList()), entities[0].Start, entities[^1].End, null);
    }

    private static List<Entity> AggregateOverlapping(List<Entity> entities)
    {
        if (entities.Count == 0) return entities;
        var sorted = entities.OrderBy(e => e.Start).ToList();   // Python sorted is stable
        var aggregated = new List<Entity>();
        var previous = sorted[0];
        foreach (var e in sorted)
        {
            if (previous.Start <= e.Start && e.Start < previous.End)
            {
                int cur = e.End - e.Start, prev = previous.End - previous.Start;
                if (cur > prev || (cur == prev && e.Score > previous.Score)) previous = e;
            }
            else
            {
                aggregated.Add(previous);
                previous = e;
            }
        }
        aggregated.Add(previous);
        return aggregated;
    }

    /// <summary>tokenizers' WordPiece decoder (prefix "##", cleanup true): decode_chain then concatenation.</summary>
    public static string ConvertTokensToString(List<string> tokens)
    {
        var outParts = new List<string>();
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i];
            if (i != 0) t = t.StartsWith("##") ? t.Substring(2) : " " + t;
            foreach (var (dirty, clean) in Cleanup) t = t.Replace(dirty, clean);
            outParts.Add(t);
        }
        return string.Concat(outParts);
    }

    private static readonly (string, string)[] Cleanup =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    private static int NpArgmax(float[] v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /// <summary>One QA feature: logits, input_ids, sequence_ids (null for specials), offsets, word ids (null for specials).</summary>
    public sealed record Feature(float[] Start, float[] End, int[] InputIds, int?[] SequenceIds, (int Start, int End)[] Offsets, int?[] WordIds);

    public sealed record Answer(double Score, int Start, int End, string Text);

    public static List<Answer> QuestionAnswering(string context, IReadOnlyList<Feature> features, int clsTokenId,
        int topK = 1, bool handleImpossibleAnswer = false, int maxAnswerLen = 15, bool alignToWords = true)
    {
        double minNullScore = 1000000;
        var answers = new List<Answer>();
        foreach (var f in features)
        {
            int n = f.InputIds.Length;
            // p_mask = sequence_id != 1, with every [CLS] unmasked; undesired_tokens = 1 - p_mask (attention all ones)
            var desired = new int[n];
            for (int t = 0; t < n; t++) desired[t] = f.SequenceIds[t] == 1 || f.InputIds[t] == clsTokenId ? 1 : 0;
            var start = Normalize(f.Start.Select((z, t) => desired[t] == 0 ? -10000f : z).ToArray());
            var end = Normalize(f.End.Select((z, t) => desired[t] == 0 ? -10000f : z).ToArray());
            if (handleImpossibleAnswer) minNullScore = Math.Min(minNullScore, start[0] * end[0]);
            start[0] = end[0] = 0f;
            // outer product, np.tril(np.triu(outer), max_answer_len - 1)
            var candidates = new float[n * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    candidates[i * n + j] = j >= i && j - i <= maxAnswerLen - 1 ? start[i] * end[j] : 0f;
            int[] order = Enumerable.Range(0, n * n).OrderBy(k => -candidates[k]).ThenBy(k => k).ToArray();
            int[] idxSort = topK == 1 ? [order[0]] : order.Take(topK).ToArray();
            // np.isin(x, undesired_tokens.nonzero()) on a [1, n] mask also accepts 0 (the row index)
            var allowed = new HashSet<int>(Enumerable.Range(0, n).Where(t => desired[t] == 1)) { 0 };
            foreach (int k in idxSort)
            {
                int s = k / n, e = k % n;
                if (!allowed.Contains(s) || !allowed.Contains(e)) continue;
                var (si, ei) = GetIndices(f, s, e, alignToWords);
                answers.Add(new Answer(candidates[k], si, ei, context[si..ei]));
            }
        }
        if (handleImpossibleAnswer) answers.Add(new Answer(minNullScore, 0, 0, ""));
        return answers.OrderByDescending(a => a.Score).Take(topK).ToList();   // Python sorted(reverse=True) is stable
    }

    private static float[] Normalize(float[] z)
    {
        float m = z.Max();
        var e = z.Select(x => MathF.Exp(x - m)).ToArray();
        float s = 0;
        foreach (var x in e) s += x;
        return e.Select(x => x / s).ToArray();
    }

    private static (int, int) GetIndices(Feature f, int s, int e, bool alignToWords)
    {
        if (alignToWords && f.WordIds[s] is int startWord && f.WordIds[e] is int endWord)
        {
            // word_to_chars(word, sequence_index=1): first and last token of that word in sequence 1 of this encoding
            int[] startTokens = Enumerable.Range(0, f.InputIds.Length).Where(t => f.SequenceIds[t] == 1 && f.WordIds[t] == startWord).ToArray();
            int[] endTokens = Enumerable.Range(0, f.InputIds.Length).Where(t => f.SequenceIds[t] == 1 && f.WordIds[t] == endWord).ToArray();
            if (startTokens.Length > 0 && endTokens.Length > 0) return (f.Offsets[startTokens[0]].Start, f.Offsets[endTokens[^1]].End);
        }
        return (f.Offsets[s].Start, f.Offsets[e].End);
    }
}
