namespace Bert.Model;

/// <summary>Checks a batch and its output spans against the configuration before any work is done.</summary>
internal static class InputValidation
{
    /// <summary>Validates shapes and every id; returns batch·seq.</summary>
    /// <exception cref="ArgumentException">A dimension, length or id is out of range.</exception>
    public static int CheckInput(in BertInput input, BertConfig config)
    {
        int batch = input.BatchSize, seq = input.SequenceLength;
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(input), batch, "BatchSize must be at least 1.");
        if (seq < 1) throw new ArgumentOutOfRangeException(nameof(input), seq, "SequenceLength must be at least 1.");
        if (seq > config.MaxPositionEmbeddings)
            throw new ArgumentException($"SequenceLength {seq} exceeds max_position_embeddings {config.MaxPositionEmbeddings}; truncate the input.", nameof(input));
        if (RowWidth(config) * batch * seq > Array.MaxLength)
            throw new ArgumentException($"Batch {batch} × sequence {seq} is too large for one forward pass; split the batch.", nameof(input));
        int tokens = batch * seq;
        CheckLength(input.Ids.Length, tokens, "Ids", allowEmpty: false);
        CheckLength(input.TypeIds.Length, tokens, "TypeIds", allowEmpty: true);
        CheckLength(input.AttentionMask.Length, tokens, "AttentionMask", allowEmpty: true);
        CheckRange(input.Ids, config.VocabSize, "Ids", "vocab_size");
        CheckRange(input.TypeIds, config.TypeVocabSize, "TypeIds", "type_vocab_size");
        for (int i = 0; i < input.AttentionMask.Length; i++)
            if ((uint)input.AttentionMask[i] > 1)
                throw new ArgumentException($"AttentionMask[{i}] = {input.AttentionMask[i]}; mask values must be 0 (padding) or 1 (token).", "AttentionMask");
        return tokens;
    }

    /// <summary>Validates a packed batch: boundaries, lengths and every id; returns the longest sequence.</summary>
    /// <exception cref="ArgumentException">A boundary, length or id is out of range; the parameter name is the field's.</exception>
    public static int CheckPacked(in BertPackedInput input, BertConfig config)
    {
        const string Cu = "CumulativeSequenceLengths";
        var cu = input.CumulativeSequenceLengths;
        if (cu.Length < 2) throw new ArgumentException($"{Cu} has {cu.Length} entries; it needs at least 2 (0 and T).", Cu);
        if (cu[0] != 0) throw new ArgumentException($"{Cu}[0] = {cu[0]}; it must be 0.", Cu);
        int maxSeq = 0;
        for (int i = 0; i + 1 < cu.Length; i++)
        {
            long n = (long)cu[i + 1] - cu[i];
            if (n < 1 || n > config.MaxPositionEmbeddings)
                throw new ArgumentException($"Sequence {i} has {n} tokens ({Cu}[{i}..{i + 1}] = {cu[i]}..{cu[i + 1]}); each needs 1..max_position_embeddings = {config.MaxPositionEmbeddings}.", Cu);
            maxSeq = Math.Max(maxSeq, (int)n);
        }
        if (cu[^1] != input.Ids.Length)
            throw new ArgumentException($"{Cu} ends at {cu[^1]} but Ids has {input.Ids.Length} tokens.", Cu);
        if (RowWidth(config) * input.Ids.Length > Array.MaxLength)
            throw new ArgumentException($"{input.Ids.Length} tokens are too many for one forward pass; split the batch.", "Ids");
        if (!input.TypeIds.IsEmpty && input.TypeIds.Length != input.Ids.Length)
            throw new ArgumentException($"TypeIds has length {input.TypeIds.Length}, expected Ids.Length = {input.Ids.Length} (or 0).", "TypeIds");
        CheckRange(input.Ids, config.VocabSize, "Ids", "vocab_size");
        CheckRange(input.TypeIds, config.TypeVocabSize, "TypeIds", "type_vocab_size");
        return maxSeq;
    }

    // The widest per-token buffer of the workspace: the fused QKV projection or the intermediate.
    private static long RowWidth(BertConfig config) => Math.Max(3L * config.HiddenSize, config.IntermediateSize);

    /// <summary>Checks that a requested output has the exact length and that its head exists.</summary>
    /// <exception cref="ArgumentException">The span's length is wrong.</exception>
    /// <exception cref="InvalidOperationException">The checkpoint lacks the weights this output needs.</exception>
    public static void CheckOutput(Span<float> span, long expected, string name, bool available, string missingWeights)
    {
        if (span.IsEmpty) return;
        if (!available)
            throw new InvalidOperationException($"{name} was requested but the checkpoint has no {missingWeights} weights.");
        if (span.Length != expected)
            throw new ArgumentException($"{name} has length {span.Length}, expected {expected}.", name);
    }

    /// <summary>Checks selected token rows: at most one per token, each in [0, tokens).</summary>
    /// <exception cref="ArgumentException">Too many rows or a row out of range.</exception>
    public static void CheckRows(ReadOnlySpan<int> rows, int tokens, string name)
    {
        if (rows.Length > tokens) throw new ArgumentException($"{name} has {rows.Length} rows, more than the {tokens} tokens.", name);
        CheckRange(rows, tokens, name, "token rows");
    }

    private static void CheckLength(int actual, int tokens, string name, bool allowEmpty)
    {
        if (actual == tokens || (allowEmpty && actual == 0)) return;
        throw new ArgumentException($"{name} has length {actual}, expected BatchSize × SequenceLength = {tokens}{(allowEmpty ? " (or 0)" : "")}.", name);
    }

    private static void CheckRange(ReadOnlySpan<int> values, int limit, string name, string limitName)
    {
        for (int i = 0; i < values.Length; i++)
            if ((uint)values[i] >= (uint)limit)
                throw new ArgumentException($"{name}[{i}] = {values[i]} is outside [0, {limitName}) = [0, {limit}).", name);
    }
}
