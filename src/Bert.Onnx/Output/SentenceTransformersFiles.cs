namespace Bert.Onnx.Output;

/// <summary>
/// The sentence-transformers (v3–v5) description of the folder: <c>modules.json</c> (Transformer at the root, Pooling in
/// <c>1_Pooling</c>, optionally Normalize in <c>2_Normalize</c>, which has no config file), <c>1_Pooling/config.json</c>,
/// <c>sentence_bert_config.json</c> (max_seq_length, do_lower_case=false: lower-casing is the tokenizer's job) and
/// <c>config_sentence_transformers.json</c> (prompts, default prompt, similarity function).
/// </summary>
internal static class SentenceTransformersFiles
{
    public static IEnumerable<string> Write(string folder, BertConfig config, OnnxImportOptions options)
    {
        var modules = new List<object?>
        {
            Module(0, "0", "", "sentence_transformers.models.Transformer"),
            Module(1, "1", "1_Pooling", "sentence_transformers.models.Pooling"),
        };
        if (options.Normalize) modules.Add(Module(2, "2", "2_Normalize", "sentence_transformers.models.Normalize"));
        var written = new List<string> { "modules.json", "1_Pooling/config.json", "sentence_bert_config.json", "config_sentence_transformers.json" };
        JsonText.WriteFile(folder, "modules.json", modules);

        var pooling = options.Pooling!.Value;
        JsonText.WriteFile(folder, "1_Pooling/config.json", new Dictionary<string, object?>
        {
            ["word_embedding_dimension"] = config.HiddenSize,
            ["pooling_mode_cls_token"] = pooling == BertPooling.Cls,
            ["pooling_mode_mean_tokens"] = pooling == BertPooling.Mean,
            ["pooling_mode_max_tokens"] = false,
            ["pooling_mode_mean_sqrt_len_tokens"] = false,
            ["pooling_mode_weightedmean_tokens"] = false,
            ["pooling_mode_lasttoken"] = false,
            ["include_prompt"] = true,
        });
        if (options.Normalize)
        {
            Directory.CreateDirectory(Path.Combine(folder, "2_Normalize"));
            written.Add("2_Normalize");
        }
        JsonText.WriteFile(folder, "sentence_bert_config.json", new Dictionary<string, object?>
        {
            ["max_seq_length"] = options.MaxSeqLength ?? config.MaxPositionEmbeddings,
            ["do_lower_case"] = false,
        });
        JsonText.WriteFile(folder, "config_sentence_transformers.json", new Dictionary<string, object?>
        {
            ["__version__"] = new Dictionary<string, object?> { ["sentence_transformers"] = "3.0.1", ["transformers"] = HfFiles.TransformersVersion, ["pytorch"] = "2.2.1" },
            ["prompts"] = (options.Prompts ?? new Dictionary<string, string>()).ToDictionary(p => p.Key, p => (object?)p.Value),
            ["default_prompt_name"] = options.DefaultPromptName,
            ["similarity_fn_name"] = options.SimilarityFunction,
        });
        return written;
    }

    private static Dictionary<string, object?> Module(int idx, string name, string path, string type) =>
        new() { ["idx"] = idx, ["name"] = name, ["path"] = path, ["type"] = type };
}
