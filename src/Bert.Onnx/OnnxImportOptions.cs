namespace Bert.Onnx;

/// <summary>What <see cref="OnnxImporter.Import"/> writes besides the weights and config. Every property has a documented default.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>Default options: a plain transformers folder (no sentence-transformers files), lower-casing guessed from the vocabulary.</summary>
    public static OnnxImportOptions Default { get; } = new();

    /// <summary>
    /// Sentence-transformers pooling to record (<c>modules.json</c>, <c>1_Pooling/config.json</c>,
    /// <c>sentence_bert_config.json</c>). Null (the default) writes no sentence-transformers files, and the folder then
    /// behaves as sentence-transformers treats a plain transformers folder (mean pooling, no normalization).
    /// <see cref="BertPooling.Pooler"/> is not a sentence-transformers mode and is refused.
    /// </summary>
    public BertPooling? Pooling { get; init; }

    /// <summary>Add the <c>Normalize</c> module (<c>2_Normalize</c>): embeddings become unit vectors. Needs <see cref="Pooling"/>. Default false.</summary>
    public bool Normalize { get; init; }

    /// <summary><c>max_seq_length</c> of <c>sentence_bert_config.json</c> and <c>model_max_length</c> of the tokenizer;
    /// null (the default) uses the model's <c>max_position_embeddings</c>.</summary>
    public int? MaxSeqLength { get; init; }

    /// <summary><c>do_lower_case</c> of the tokenizer. Null (the default) guesses from the vocabulary: lower-case unless
    /// some ordinary token (not <c>[XXX]</c>) has an upper-case letter, as in the cased BERT vocabularies.</summary>
    public bool? DoLowerCase { get; init; }

    /// <summary>Prompts of <c>config_sentence_transformers.json</c> (name → text prepended to the input), e.g.
    /// <c>{"query": "Represent this sentence for searching relevant passages: "}</c>. Default none.</summary>
    public IReadOnlyDictionary<string, string>? Prompts { get; init; }

    /// <summary><c>default_prompt_name</c> of <c>config_sentence_transformers.json</c>: a key of <see cref="Prompts"/>, or null (the default).</summary>
    public string? DefaultPromptName { get; init; }

    /// <summary><c>similarity_fn_name</c> of <c>config_sentence_transformers.json</c>: <c>cosine</c> (the default), <c>dot</c>,
    /// <c>euclidean</c> or <c>manhattan</c>.</summary>
    public string SimilarityFunction { get; init; } = "cosine";

    /// <summary>Replace files of the same names in an existing, non-empty output folder. Default false: such a folder is refused.</summary>
    public bool Overwrite { get; init; }

    internal void Validate()
    {
        if (Pooling is BertPooling.Pooler)
            throw new ArgumentException("BertPooling.Pooler is not a sentence-transformers pooling mode; use Cls or Mean.", nameof(Pooling));
        if (Pooling is null && (Normalize || Prompts is { Count: > 0 } || DefaultPromptName is not null))
            throw new ArgumentException("Normalize, Prompts and DefaultPromptName describe sentence-transformers modules: set Pooling too.", nameof(Pooling));
        if (MaxSeqLength is < 1) throw new ArgumentOutOfRangeException(nameof(MaxSeqLength), MaxSeqLength, "MaxSeqLength must be at least 1.");
        if (DefaultPromptName is not null && Prompts?.ContainsKey(DefaultPromptName) != true)
            throw new ArgumentException($"DefaultPromptName '{DefaultPromptName}' is not a key of Prompts.", nameof(DefaultPromptName));
        if (SimilarityFunction is not ("cosine" or "dot" or "euclidean" or "manhattan"))
            throw new ArgumentException($"SimilarityFunction '{SimilarityFunction}' is not one of cosine, dot, euclidean, manhattan.", nameof(SimilarityFunction));
    }
}
