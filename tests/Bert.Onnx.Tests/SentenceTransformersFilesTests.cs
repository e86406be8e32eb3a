using System.Text.Json;
using Bert.Synthetic;

namespace Bert.Onnx.Tests;

/// <summary>The sentence-transformers files follow the layout sentence-transformers v3 saves (modules.json entries,
/// the Pooling config keys, an empty 2_Normalize folder, max_seq_length, prompts).</summary>
public sealed class SentenceTransformersFilesTests
{
    [Fact]
    public void Pooling_normalize_length_and_prompts_are_written_as_sentence_transformers_saves_them()
    {
        using var temp = new TempFolder();
        var model = SyntheticCheckpoint.Create(temp["model"], new SyntheticOptions { WriteOnnx = true });
        var options = new OnnxImportOptions
        {
            Pooling = BertPooling.Cls, Normalize = true, MaxSeqLength = 64,
            Prompts = new Dictionary<string, string> { ["query"] = "query: " }, DefaultPromptName = "query", SimilarityFunction = "dot",
        };
        OnnxImporter.Import(model.OnnxPath!, Path.Combine(model.Folder, "vocab.txt"), temp["out"], options);

        using var modules = Json(temp["out/modules.json"]);
        Assert.Equal(
            [("0", "", "sentence_transformers.models.Transformer"), ("1", "1_Pooling", "sentence_transformers.models.Pooling"), ("2", "2_Normalize", "sentence_transformers.models.Normalize")],
            modules.RootElement.EnumerateArray().Select(m => (m.GetProperty("name").GetString(), m.GetProperty("path").GetString(), m.GetProperty("type").GetString())));
        Assert.True(Directory.Exists(temp["out/2_Normalize"]));

        using var pooling = Json(temp["out/1_Pooling/config.json"]);
        Assert.Equal(64, pooling.RootElement.GetProperty("word_embedding_dimension").GetInt32()); // tiny preset: H = 64
        Assert.True(pooling.RootElement.GetProperty("pooling_mode_cls_token").GetBoolean());
        Assert.False(pooling.RootElement.GetProperty("pooling_mode_mean_tokens").GetBoolean());

        using var bert = Json(temp["out/sentence_bert_config.json"]);
        Assert.Equal(64, bert.RootElement.GetProperty("max_seq_length").GetInt32());
        using var st = Json(temp["out/config_sentence_transformers.json"]);
        Assert.Equal("query: ", st.RootElement.GetProperty("prompts").GetProperty("query").GetString());
        Assert.Equal("query", st.RootElement.GetProperty("default_prompt_name").GetString());
        Assert.Equal("dot", st.RootElement.GetProperty("similarity_fn_name").GetString());
        using var tokenizer = Json(temp["out/tokenizer_config.json"]);
        Assert.Equal(64, tokenizer.RootElement.GetProperty("model_max_length").GetInt32());
    }

    [Fact]
    public void Without_pooling_no_sentence_transformers_file_is_written()
    {
        using var temp = new TempFolder();
        var model = SyntheticCheckpoint.Create(temp["model"], new SyntheticOptions { WriteOnnx = true });
        var result = OnnxImporter.Import(model.OnnxPath!, Path.Combine(model.Folder, "vocab.txt"), temp["out"]);
        Assert.Equal(["config.json", "model.safetensors", "special_tokens_map.json", "tokenizer_config.json", "vocab.txt"], result.Files.Order(StringComparer.Ordinal));
        Assert.Equal(result.Files.Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(temp["out"]).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static JsonDocument Json(string path) => JsonDocument.Parse(File.ReadAllText(path));
}
