using Bert.Kernels;
using Bert.Tokenization;

namespace Bert;

public sealed partial class BertModel
{
    /// <summary>The checkpoint's tokenizer (tokenizer.json or vocab.txt of the folder), or null when it has none.</summary>
    public BertTokenizer? Tokenizer { get; private set; }

    /// <summary>
    /// Longest input the text methods pass to the model: min(tokenizer max length, max_position_embeddings), special tokens included.
    /// Longer texts are truncated (HF "longest_first", from the right).
    /// </summary>
    public int MaxTextTokens => Math.Min(Tokenizer?.MaxLength ?? int.MaxValue, Config.MaxPositionEmbeddings);

    private BertTokenizer RequireTokenizer() => Tokenizer
        ?? throw new InvalidOperationException("This model has no tokenizer: its folder has neither tokenizer.json nor vocab.txt. Use Forward with token ids.");

    private static BertTokenizer? TryLoadTokenizer(string folder)
        => File.Exists(Path.Combine(folder, "tokenizer.json")) || File.Exists(Path.Combine(folder, "vocab.txt")) ? BertTokenizer.Load(folder) : null;
}
