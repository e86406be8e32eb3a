namespace Bert.Synthetic;

/// <summary>Model shapes to generate. Every preset uses exact-erf <c>gelu</c>, 2 token types, ε = 1e-12.</summary>
public static class SyntheticPresets
{
    /// <summary>tiny: H 64, 2 layers, 4 heads, intermediate 128, vocab 512 (compact vocabulary layout), 128 positions.</summary>
    public static BertConfig Tiny { get; } = new()
    {
        VocabSize = 512, HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 128,
        MaxPositionEmbeddings = 128,
    };

    /// <summary>base: BERT-Base, H 768, 12 layers, 12 heads, intermediate 3072, vocab 30522, 512 positions.</summary>
    public static BertConfig Base { get; } = new();

    /// <summary>large: BERT-Large, H 1024, 24 layers, 16 heads, intermediate 4096, vocab 30522, 512 positions.</summary>
    public static BertConfig Large { get; } = new()
    {
        HiddenSize = 1024, NumHiddenLayers = 24, NumAttentionHeads = 16, IntermediateSize = 4096,
    };

    /// <summary>The preset called <paramref name="name"/> (<c>tiny</c>, <c>base</c> or <c>large</c>, case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static BertConfig Get(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "base" => Base,
        "large" => Large,
        _ => throw new ArgumentException($"Unknown preset '{name}': use tiny, base or large.", nameof(name)),
    };
}
