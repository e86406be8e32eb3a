using Bert.Kernels;
using Bert.Tokenization;

namespace Bert.Pipelines;

/// <summary>
/// Fill-mask (Hugging Face's fill-mask pipeline): tokenize → packed forward computing prediction logits only at the mask
/// rows → per mask, softmax over the vocabulary, top-k candidates (optionally among targets), each with its filled-in sequence.
/// </summary>
internal static class FillMaskPipeline
{
    public static BertTokenPrediction[][][] Run(BertModel model, IReadOnlyList<string> texts, FillMaskOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        TaskInputs.RequireHeads(model, BertHeads.MaskedLM, "FillMask", "the masked-LM head (BertForMaskedLM or BertForPreTraining: cls.predictions)");
        var tokenizer = TaskInputs.RequireTokenizer(model);
        if (tokenizer.MaskTokenId < 0) throw new InvalidOperationException($"The vocabulary has no mask token '{tokenizer.Options.MaskToken}'.");
        var targets = options.Targets is null ? null : ResolveTargets(tokenizer, options.Targets);
        var encodings = TaskInputs.Encode(model, [.. texts.Select(t => (t, (string?)null))], options, nameof(texts));
        var masks = new int[encodings.Length][];
        for (int i = 0; i < masks.Length; i++)
        {
            masks[i] = MaskPositions(encodings[i].Ids, tokenizer.MaskTokenId);
            if (masks[i].Length == 0)
                throw new ArgumentException($"texts[{i}] contains no mask token {tokenizer.Options.MaskToken}" +
                    (encodings[i].TruncatedTokenCount > 0 ? $" within its first {encodings[i].Length} tokens (it was truncated)." : "."), nameof(texts));
        }
        int v = model.Config.VocabSize;
        var results = new BertTokenPrediction[encodings.Length][][];
        // A mask row costs V logits: count it as V / 1024 tokens so a batch of mask-dense texts keeps its logits to
        // about MaxBatchTokens · 1024 floats (32 MB at the default budget) instead of growing with every mask.
        int maskCost = Math.Max(1, v / 1024);
        foreach (var (start, count) in PackedBatches.Split([.. encodings.Select((e, i) => e.Length + masks[i].Length * maskCost)], options.MaxBatchTokens))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (ids, typeIds, cu) = PackedBatches.Pack(encodings, start, count);
            int[] rows = [.. Enumerable.Range(0, count).SelectMany(b => masks[start + b].Select(p => cu[b] + p))];
            var logits = new float[rows.Length * v];
            model.Forward(new BertPackedInput(ids, typeIds, cu), new BertOutputs { PredictionRows = rows, PredictionLogits = logits });
            for (int b = 0, r = 0; b < count; r += masks[start + b].Length, b++)
            {
                int i = start + b, m = masks[i].Length;
                results[i] = Postprocess(tokenizer, encodings[i].Ids, masks[i], logits.AsSpan(r * v, m * v), v, options.TopK, targets);
            }
        }
        return results;
    }

    /// <summary>Positions of <paramref name="maskId"/> in <paramref name="ids"/>, in order.</summary>
    public static int[] MaskPositions(ReadOnlySpan<int> ids, int maskId)
    {
        var positions = new List<int>();
        for (int i = 0; i < ids.Length; i++) if (ids[i] == maskId) positions.Add(i);
        return [.. positions];
    }

    /// <summary>
    /// HF's target resolution: a vocabulary entry is taken as is; otherwise the target is tokenized (no special tokens) and its
    /// first token taken; a target giving no token is skipped. Duplicates count once (first occurrence kept).
    /// </summary>
    /// <exception cref="ArgumentException">No target maps to a token, or a target is null.</exception>
    public static int[] ResolveTargets(BertTokenizer tokenizer, IReadOnlyList<string> targets)
    {
        var ids = new List<int>();
        for (int t = 0; t < targets.Count; t++)
        {
            string target = targets[t] ?? throw new ArgumentException($"Targets[{t}] is null.", nameof(targets));
            if (!tokenizer.Vocabulary.TryGetId(target, out int id))
            {
                var e = tokenizer.Encode(target, null, addSpecialTokens: false, truncation: TruncationStrategy.None);
                if (e.Ids.Length == 0) continue;
                id = e.Ids[0];
            }
            if (!ids.Contains(id)) ids.Add(id);
        }
        if (ids.Count == 0) throw new ArgumentException("No target maps to a vocabulary token.", nameof(targets));
        return [.. ids];
    }

    // ids: [S] one unpadded input; logits: [M, V] at the M mask positions
    /// <summary>
    /// For each mask m: p = softmax(logits[m]) over the vocabulary; the <paramref name="topK"/> most probable candidates
    /// (among <paramref name="targets"/> when given; ties: lower id first); for each, token_str = decode([id]) and the
    /// sequence = decode(ids with position m replaced), skipping special tokens but keeping the other masks.
    /// </summary>
    public static BertTokenPrediction[][] Postprocess(BertTokenizer tokenizer, ReadOnlySpan<int> ids, IReadOnlyList<int> maskPositions,
        ReadOnlySpan<float> logits, int vocabSize, int topK, int[]? targets)
    {
        var result = new BertTokenPrediction[maskPositions.Count][];
        var probabilities = new float[vocabSize];
        var candidates = targets ?? [.. Enumerable.Range(0, vocabSize)];
        var candidateScores = new float[candidates.Length];
        var filled = ids.ToArray();
        for (int m = 0; m < result.Length; m++)
        {
            Softmax.Masked(logits.Slice(m * vocabSize, vocabSize), default, 1, vocabSize, probabilities);
            for (int c = 0; c < candidates.Length; c++) candidateScores[c] = probabilities[candidates[c]];
            var best = TopCandidates(candidateScores, candidates, Math.Min(topK, candidates.Length));
            result[m] = [.. best.Select(c =>
            {
                int id = candidates[c], position = maskPositions[m], original = filled[position];
                filled[position] = id;
                string sequence = DecodeSequence(tokenizer, filled, position, maskPositions.Count > 1);
                filled[position] = original;
                return new BertTokenPrediction(tokenizer.Decode([id], skipSpecialTokens: false), id, candidateScores[c], sequence);
            })];
        }
        return result;
    }

    /// <summary>Indices of the k highest scores, highest first, ties broken by the lower candidate id.</summary>
    private static int[] TopCandidates(float[] scores, int[] ids, int k)
        // float ordering puts NaN lowest; OrderBy…Take is a partial sort.
        => [.. Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => ids[i]).Take(k)];

    /// <summary>
    /// HF's sequence: special tokens skipped. With several masks HF keeps every special token ([CLS] and [SEP] too) so the
    /// other masks stay visible; we keep only those other masks.
    /// </summary>
    private static string DecodeSequence(BertTokenizer tokenizer, int[] ids, int filledPosition, bool keepOtherMasks)
    {
        var kept = new List<int>(ids.Length);
        for (int j = 0; j < ids.Length; j++)
        {
            bool otherMask = keepOtherMasks && j != filledPosition && ids[j] == tokenizer.MaskTokenId;
            if (otherMask || !tokenizer.IsSpecialTokenId(ids[j])) kept.Add(ids[j]);
        }
        return tokenizer.Decode(kept.ToArray(), skipSpecialTokens: false);
    }
}
