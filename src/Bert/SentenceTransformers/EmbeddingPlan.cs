using Bert.Tokenization;

namespace Bert.SentenceTransformers;

/// <summary>
/// The settings of one embedding call, resolved from the call's options, the instance's options and the folder,
/// and validated once: every text of the call goes through the same plan.
/// </summary>
internal sealed class EmbeddingPlan
{
    private const BertPooling SentenceModes = BertPooling.Cls | BertPooling.Mean | BertPooling.Max | BertPooling.MeanSqrtLen
        | BertPooling.WeightedMean | BertPooling.LastToken;

    private EmbeddingPlan(BertTokenizer tokenizer, int hiddenSize)
    {
        Tokenizer = tokenizer;
        HiddenSize = hiddenSize;
    }

    public BertTokenizer Tokenizer { get; }
    public int HiddenSize { get; }
    public BertPooling Pooling { get; private init; }
    public bool Normalize { get; private init; }
    public int MaxLength { get; private init; }
    public string Prompt { get; private init; } = "";
    public bool DoLowerCase { get; private init; }

    /// <summary>Rows at the start of each sequence excluded from pooling (prompt tokens + [CLS]); 0 when the prompt is pooled.</summary>
    public int ExcludedRows { get; private set; }

    /// <summary>Floats per pooled vector before truncation: modes × hidden size.</summary>
    public int PooledDimension { get; private init; }

    /// <summary>Floats per returned vector.</summary>
    public int Dimension { get; private init; }

    public int MaxBatchTokens { get; private init; }

    /// <summary>Resolves and validates <paramref name="options"/> (already merged with the instance's) against the folder's settings.</summary>
    /// <exception cref="ArgumentException">An option is out of range or names an unknown prompt.</exception>
    /// <exception cref="InvalidOperationException">No tokenizer, or Pooler pooling without pooler weights.</exception>
    public static EmbeddingPlan Resolve(BertModel model, EmbeddingOptions options)
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
        var plan = new EmbeddingPlan(tokenizer, config.HiddenSize)
        {
            Pooling = pooling, Normalize = options.Normalize ?? st.Normalize, MaxLength = maxLength, Prompt = prompt,
            DoLowerCase = st.DoLowerCase, PooledDimension = pooled, Dimension = dimension, MaxBatchTokens = budget,
        };
        if (!includePrompt && prompt.Length > 0) plan.ExcludedRows = plan.PromptRows();
        return plan;
    }

    /// <summary>The text the tokenizer sees: prompt + text, lower-cased when the folder says do_lower_case.</summary>
    public string Prepare(string text)
    {
        string full = Prompt.Length == 0 ? text : Prompt + text;
        // Python's str.lower(); .NET's invariant lower-casing maps the same characters except a few special cases (e.g. 'İ').
        return DoLowerCase ? full.ToLowerInvariant() : full;
    }

    /// <summary>Tokens of the prepared text, [CLS] and [SEP] included, after truncation to <see cref="MaxLength"/>.</summary>
    public int TokenCount(string prepared) => Math.Min(Tokenizer.CountTokens(prepared) + 2, MaxLength);

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
