using Bert.Tokenization;

namespace Bert;

/// <summary>
/// A batch of sequences of different lengths packed end to end without padding (the <c>cu_seqlens</c> form of
/// variable-length attention, as in text-embeddings-inference): sequence i is tokens
/// [<see cref="CumulativeSequenceLengths"/>[i], <see cref="CumulativeSequenceLengths"/>[i+1]) of <see cref="Ids"/>.
/// </summary>
/// <remarks>
/// Each sequence gets position ids 0..nᵢ−1 and attends only to its own tokens, so every output equals what that sequence
/// gives alone. With <see cref="BertOutputs"/>, token-level outputs (last_hidden_state, token-classification and QA
/// logits, prediction logits) have T = <see cref="TotalTokens"/> rows in packed order; sequence-level outputs (pooler,
/// NSP, sequence classification) have B = <see cref="BatchSize"/> rows. <see cref="BertOutputs.PredictionRows"/> indexes
/// packed token rows.
/// </remarks>
public readonly ref struct BertPackedInput
{
    /// <summary>Creates the input; lengths and ranges are checked when the model runs.</summary>
    /// <param name="ids">Token ids [T], each in [0, vocab_size).</param>
    /// <param name="typeIds">Token type ids [T] in [0, type_vocab_size), or empty for all zeros.</param>
    /// <param name="cumulativeSequenceLengths">[B+1] offsets: 0, n₀, n₀+n₁, …, T; every nᵢ ≥ 1 and ≤ max_position_embeddings.</param>
    public BertPackedInput(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, ReadOnlySpan<int> cumulativeSequenceLengths)
    {
        Ids = ids;
        TypeIds = typeIds;
        CumulativeSequenceLengths = cumulativeSequenceLengths;
    }

    /// <summary>Token ids of all sequences, concatenated [T].</summary>
    public ReadOnlySpan<int> Ids { get; }

    /// <summary>Token type ids [T], or empty for all zeros.</summary>
    public ReadOnlySpan<int> TypeIds { get; }

    /// <summary>Sequence boundaries [B+1]: sequence i is tokens [c[i], c[i+1]).</summary>
    public ReadOnlySpan<int> CumulativeSequenceLengths { get; }

    /// <summary>Number of sequences B.</summary>
    public int BatchSize => Math.Max(0, CumulativeSequenceLengths.Length - 1);

    /// <summary>Total number of tokens T.</summary>
    public int TotalTokens => Ids.Length;

    /// <summary>Packs encodings (padding, if any, is dropped: only tokens whose attention mask is 1 are kept).</summary>
    /// <param name="encodings">Encodings from <see cref="BertTokenizer"/>; at least one.</param>
    /// <returns>The packed arrays: ids, type ids, cumulative lengths.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="encodings"/> or an item is null.</exception>
    /// <exception cref="ArgumentException">The list is empty or an encoding has no real token.</exception>
    public static (int[] Ids, int[] TypeIds, int[] CumulativeSequenceLengths) Pack(IReadOnlyList<BertEncoding> encodings)
    {
        ArgumentNullException.ThrowIfNull(encodings);
        if (encodings.Count == 0) throw new ArgumentException("At least one encoding is needed.", nameof(encodings));
        var cu = new int[encodings.Count + 1];
        for (int i = 0; i < encodings.Count; i++)
        {
            var e = encodings[i] ?? throw new ArgumentNullException(nameof(encodings), $"encodings[{i}] is null.");
            int n = e.Length;
            if (n == 0) throw new ArgumentException($"encodings[{i}] has no real token.", nameof(encodings));
            cu[i + 1] = checked(cu[i] + n);
        }
        var ids = new int[cu[^1]];
        var typeIds = new int[cu[^1]];
        for (int i = 0, t = 0; i < encodings.Count; i++)
        {
            var e = encodings[i];
            for (int j = 0; j < e.Ids.Length; j++)
            {
                if (e.AttentionMask[j] == 0) continue;
                ids[t] = e.Ids[j];
                typeIds[t++] = e.TypeIds[j];
            }
        }
        return (ids, typeIds, cu);
    }
}
