using System.CommandLine;

namespace Bert.Cli.Commands;

/// <summary>The embedding options shared by <c>encode</c> and <c>similarity</c>; unset flags leave the folder's settings.</summary>
internal sealed class EmbeddingFlags
{
    private readonly Option<BertPooling?> _pooling = new("--pooling") { Description = "Mean, Cls, Pooler, Max, LastToken (default: the folder's sentence-transformers pooling, else Mean)." };
    private readonly Option<bool?> _normalize = new("--normalize") { Description = "true/false: unit-length vectors (default: as the folder says)." };
    private readonly Option<string?> _promptName = new("--prompt-name") { Description = "A prompt named in config_sentence_transformers.json, e.g. query." };
    private readonly Option<string?> _prompt = new("--prompt") { Description = "Text put before every input (overrides --prompt-name)." };
    private readonly Option<int?> _truncate = new("--truncate-dim") { Description = "Keep only the first N dimensions (Matryoshka models)." };
    private readonly Option<int?> _maxBatchTokens = new("--max-batch-tokens") { Description = "Token budget of one forward pass (default 2048)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _pooling, _normalize, _promptName, _prompt, _truncate, _maxBatchTokens }) command.Add(option);
    }

    public EmbeddingOptions Read(ParseResult parse) => new()
    {
        Pooling = parse.GetValue(_pooling),
        Normalize = parse.GetResult(_normalize) is { Implicit: false } && parse.GetValue(_normalize) is null ? true : parse.GetValue(_normalize),
        PromptName = parse.GetValue(_promptName),
        Prompt = parse.GetValue(_prompt),
        TruncateDimension = parse.GetValue(_truncate),
        MaxBatchTokens = parse.GetValue(_maxBatchTokens),
    };
}
