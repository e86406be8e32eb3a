using Bert.Tokenization;

namespace Bert.SentenceTransformers;

/// <summary>
/// The embedding settings of one call, resolved from the call's options, the instance's
/// <see cref="BertModel.EmbeddingDefaults"/> and the folder's <see cref="SentenceTransformerConfig"/>, and validated
/// once (<see cref="BertModel.GetEmbeddingSettings"/>). For callers that batch forward passes themselves (e.g. a server
/// queue): tokenize <see cref="PrepareText"/> of each text with at most <see cref="MaxLength"/> tokens, run the model,
/// and turn each sequence's last_hidden_state rows into its embedding with <see cref="Pool"/>.
/// </summary>
public sealed class EmbeddingSettings
{
    private const BertPooling SentenceModes = BertPooling.Cls | BertPooling.Mean | BertPooling.Max | BertPooling.MeanSqrtLen
        | BertPooling.WeightedMean | BertPooling.LastToken;

    private EmbeddingSettings(BertTokenizer tokenizer, int hiddenSize)
    {
        Tokenizer = tokenizer;
        HiddenSize = hiddenSize;
    }

    internal BertTokenizer Tokenizer { get; }

    /// <summary>hidden_size of the model.</summary>
    public int HiddenSize { get; }

    /// <summary>The pooling modes.</summary>
    public BertPooling Pooling { get; private init; }

    /// <summary>Whether vectors are divided by their L2 norm (after truncation).</summary>
    public bool Normalize { get; private init; }

    /// <summary>Longest input in tokens, [CLS] and [SEP] included; longer texts are cut from the right.</summary>
    public int MaxLength { get; private init; }

    /// <summary>The prompt put in front of every text ("" for none).</summary>
    public string Prompt { get; private init; } = "";

    /// <summary>Whether texts are lower-cased before tokenizing (do_lower_case).</summary>
    public bool DoLowerCase { get; private init; }

    /// <summary>Rows at the start of each sequence excluded from pooling (prompt tokens + [CLS]); 0 when the prompt is pooled.</summary>
    public int ExcludedRows { get; private set; }

    /// <summary>Floats per pooled vector before truncation: modes × hidden size.</summary>
    internal int PooledDimension { get; private init; }

    /// <summary>Floats per returned vector (after truncation).</summary>
    public int Dimension { get; private init; }

    /// <summary>Token budget of one forward pass.</summary>
    public int MaxBatchTokens { get; private init; }

    /// <summary>Resolves and validates <paramref name="options"/> (already merged with the instance's) against the folder's settings.</summary>
    /// <exception cref="ArgumentException">An option is out of range or names an unknown prompt.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or Pooler pooling without pooler weights.</exception>
    internal static EmbeddingSettings Resolve(BertModel model, EmbeddingOptions options)
    {
        var tokenizer = model.Tokenizer
            ?? throw new InvalidOperationException("This model has no tokenizer: its folder has neither tokenizer.json nor vocab.txt. Use Forward with token ids.");
        var st = model.SentenceTransformerConfig;
        var config = model.Config;
        var pooling = options.Pooling ?? st.Pooling;
        CheckPooling(pooling, model);
        int maxLength = ResolveMaxLength(options.MaxLength, st, model);
        int budget = options.MaxBatchTokens ?? EmbeddingOptions.DefaultMaxBatchTokens;
        if (budget < 1) throw new ArgumentOutOfRangeException(nameof(options), budget, "MaxBatchTokens must be at least 1.");
        int pooled = pooling == BertPooling.Pooler ? config.HiddenSize : System.Numerics.BitOperations.PopCount((uint)pooling) * config.HiddenSize;
        int dimension = options.TruncateDimension ?? pooled;
        if (dimension < 1 || dimension > pooled)
            throw new ArgumentOutOfRangeException(nameof(options), dimension, $"TruncateDimension must be in [1, {pooled}] (the pooled dimension).");
        string prompt = ResolvePrompt(options, st);
        bool includePrompt = options.IncludePrompt ?? st.IncludePrompt;
        var plan = new EmbeddingSettings(tokenizer, config.HiddenSize)
        {
            Pooling = pooling, Normalize = options.Normalize ?? st.Normalize, MaxLength = maxLength, Prompt = prompt,
            DoLowerCase = st.DoLowerCase, PooledDimension = pooled, Dimension = dimension, MaxBatchTokens = budget,
        };
        if (!includePrompt && prompt.Length > 0) plan.ExcludedRows = plan.PromptRows();
        return plan;
    }

    /// <summary>The text the tokenizer sees: prompt + text, lower-cased when the folder says do_lower_case.</summary>
    /// <param name="text">The caller's text.</param>
    /// <returns>The text to tokenize (as <c>[CLS] text [SEP]</c>, at most <see cref="MaxLength"/> tokens).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public string PrepareText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string full = Prompt.Length == 0 ? text : Prompt + text;
        // Python's str.lower(); .NET's invariant lower-casing maps the same characters except a few special cases (e.g. 'İ').
        return DoLowerCase ? full.ToLowerInvariant() : full;
    }

    /// <summary>
    /// The embedding of one sequence from its last_hidden_state rows [rows, hidden] (prompt rows excluded as
    /// <see cref="ExcludedRows"/> says, modes concatenated, truncated to <see cref="Dimension"/>, normalized if <see cref="Normalize"/>).
    /// For <see cref="BertPooling.Pooler"/> pass the sequence's pooler_output [hidden] with <paramref name="rows"/> = 1.
    /// </summary>
    /// <param name="lastHiddenState">The sequence's rows, [CLS] first ([SEP] last, no padding), or its pooler_output.</param>
    /// <param name="rows">Number of rows (tokens) of the sequence.</param>
    /// <returns>A new vector of <see cref="Dimension"/> floats.</returns>
    /// <exception cref="ArgumentException">The span is not rows × hidden_size floats (hidden_size for Pooler), or rows &lt; 1.</exception>
    public float[] Pool(ReadOnlySpan<float> lastHiddenState, int rows)
    {
        int expected = Pooling == BertPooling.Pooler ? HiddenSize : rows * HiddenSize;
        if (rows < 1 || lastHiddenState.Length != expected)
            throw new ArgumentException($"Expected {expected} floats for {rows} rows of hidden size {HiddenSize}, got {lastHiddenState.Length}.", nameof(lastHiddenState));
        if (Pooling == BertPooling.Pooler) return SentencePooling.Finish(lastHiddenState, Dimension, Normalize);
        var pooled = new float[PooledDimension];
        var mask = ExcludedRows > 0 ? new int[rows] : null;
        SentencePooling.Pool(lastHiddenState, mask is null ? default : SentencePooling.PromptMask(ExcludedRows, rows, mask), rows, HiddenSize, Pooling, pooled);
        return SentencePooling.Finish(pooled, Dimension, Normalize);
    }

    /// <summary>Tokens of the prepared text, [CLS] and [SEP] included, after truncation to <see cref="MaxLength"/>.</summary>
    internal int TokenCount(string prepared) => Math.Min(Tokenizer.CountTokens(prepared) + 2, MaxLength);

    /// <summary>sentence-transformers' prompt_length: tokens of the prompt alone, [CLS] included, [SEP] not.</summary>
    private int PromptRows()
    {
        string prompt = DoLowerCase ? Prompt.ToLowerInvariant() : Prompt;
        return TokenCount(prompt) - 1;
    }

    private static void CheckPooling(BertPooling pooling, BertModel model)
    {
        if (pooling == BertPooling.Pooler)
        {
            if ((model.Heads & BertHeads.Pooler) == 0)
                throw new InvalidOperationException($"Pooler pooling needs pooler.dense weights, which this checkpoint lacks (architectures: {string.Join(", ", model.Config.Architectures)}).");
            return;
        }
        if ((pooling & ~(SentenceModes | BertPooling.Pooler)) != 0)
            throw new ArgumentOutOfRangeException("options", pooling, "Pooling has bits that name no BertPooling mode.");
        if (pooling == BertPooling.None || (pooling & ~SentenceModes) != 0)
            throw new ArgumentException($"Pooling {pooling} is not valid: choose one or more of Cls, Mean, Max, MeanSqrtLen, WeightedMean, LastToken, or Pooler alone.", "options");
    }

    private static int ResolveMaxLength(int? requested, SentenceTransformerConfig st, BertModel model)
    {
        int positions = model.Config.MaxPositionEmbeddings;
        if (requested is { } max)
        {
            if (max < 2 || max > positions)
                throw new ArgumentOutOfRangeException("options", max, $"MaxLength must be in [2, max_position_embeddings = {positions}].");
            return max;
        }
        // The folder's max_seq_length wins over the tokenizer's limit, as in sentence-transformers; positions cap it.
        return st.MaxSeqLength is { } folder ? Math.Min(folder, positions) : Math.Max(2, model.MaxTextTokens);
    }

    private static string ResolvePrompt(EmbeddingOptions options, SentenceTransformerConfig st)
    {
        if (options.Prompt is not null) return options.Prompt;
        string? name = options.PromptName ?? st.DefaultPromptName;
        if (name is null) return "";
        if (!st.Prompts.TryGetValue(name, out var prompt))
            throw new ArgumentException($"Prompt name '{name}' is not among the folder's prompts ({(st.Prompts.Count == 0 ? "none" : string.Join(", ", st.Prompts.Keys.Select(k => $"'{k}'")))}).", "options");
        return prompt;
    }
}
