using Bert.Tokenization;

namespace Bert.Pipelines;

/// <summary>Preprocessing shared by the pipelines: requirements on the model and tokenization of texts and pairs.</summary>
internal static class TaskInputs
{
    /// <summary>The model's tokenizer, or an <see cref="InvalidOperationException"/> saying the folder has none.</summary>
    public static BertTokenizer RequireTokenizer(BertModel model) => model.Tokenizer
        ?? throw new InvalidOperationException("This model has no tokenizer: its folder has neither tokenizer.json nor vocab.txt. Use Forward with token ids.");

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the task, the missing head and the checkpoint's architectures.</summary>
    public static void RequireHeads(BertModel model, BertHeads needed, string task, string what)
    {
        if ((model.Heads & needed) == needed) return;
        string architectures = model.Config.Architectures.Count == 0 ? "none listed" : string.Join(", ", model.Config.Architectures);
        throw new InvalidOperationException($"{task} needs {what}, which this checkpoint lacks (architectures: {architectures}; heads: {model.Heads}).");
    }

    /// <summary>The maximum input length: <see cref="PipelineOptions.MaxLength"/> or the model's, and never above max_position_embeddings.</summary>
    public static int MaxLength(BertModel model, PipelineOptions options)
    {
        if (options.MaxLength is int max && max > model.Config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(options), max, $"MaxLength {max} exceeds max_position_embeddings {model.Config.MaxPositionEmbeddings}.");
        return options.MaxLength ?? model.MaxTextTokens;
    }

    /// <summary>Encodes each (text, pair) as <c>[CLS] text [SEP] (pair [SEP])</c>, truncated as the options say.</summary>
    /// <exception cref="ArgumentNullException">A text is null (named with its index).</exception>
    public static BertEncoding[] Encode(BertModel model, IReadOnlyList<(string Text, string? Pair)> inputs, PipelineOptions options, string parameter)
    {
        var tokenizer = RequireTokenizer(model);
        int max = MaxLength(model, options);
        var encodings = new BertEncoding[inputs.Count];
        for (int i = 0; i < encodings.Length; i++)
        {
            var (text, pair) = inputs[i];
            if (text is null) throw new ArgumentNullException(parameter, $"{parameter}[{i}] is null.");
            encodings[i] = tokenizer.Encode(text, pair, truncation: options.Truncation, maxLength: max);
        }
        return encodings;
    }

    /// <summary>Checks a list argument: not null, not empty, no null element.</summary>
    public static void CheckTexts<T>(IReadOnlyList<T> items, string parameter)
    {
        ArgumentNullException.ThrowIfNull(items, parameter);
        if (items.Count == 0) throw new ArgumentException("At least one input is needed.", parameter);
        for (int i = 0; i < items.Count; i++)
            if (items[i] is null) throw new ArgumentNullException(parameter, $"{parameter}[{i}] is null.");
    }
}
