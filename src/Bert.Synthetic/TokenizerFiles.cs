using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bert.Synthetic;

/// <summary>vocab.txt, tokenizer_config.json, special_tokens_map.json and the fast-tokenizer tokenizer.json of an
/// uncased BERT tokenizer over <see cref="SyntheticVocabulary"/>.</summary>
internal static class TokenizerFiles
{
    private static readonly string[] Specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    public static void Write(string folder, BertConfig config, bool tokenizerJson)
    {
        var vocab = SyntheticVocabulary.Build(config.VocabSize);
        var utf8 = new UTF8Encoding(false);
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", vocab) + "\n", utf8);
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), PythonJson.Serialize(new Dictionary<string, object?>
        {
            ["clean_up_tokenization_spaces"] = true,
            ["cls_token"] = "[CLS]",
            ["do_basic_tokenize"] = true,
            ["do_lower_case"] = true,
            ["mask_token"] = "[MASK]",
            ["model_max_length"] = config.MaxPositionEmbeddings,
            ["never_split"] = null,
            ["pad_token"] = "[PAD]",
            ["sep_token"] = "[SEP]",
            ["strip_accents"] = null,
            ["tokenize_chinese_chars"] = true,
            ["tokenizer_class"] = "BertTokenizer",
            ["unk_token"] = "[UNK]",
        }), utf8);
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), PythonJson.Serialize(new Dictionary<string, object?>
        {
            ["cls_token"] = "[CLS]", ["mask_token"] = "[MASK]", ["pad_token"] = "[PAD]", ["sep_token"] = "[SEP]", ["unk_token"] = "[UNK]",
        }), utf8);
        if (tokenizerJson) File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), FastTokenizerJson(vocab));
    }

    // The layout of tokenizers' serialization of BertTokenizerFast (WordPiece + BertNormalizer + BertPreTokenizer
    // + TemplateProcessing "[CLS] $A [SEP]" / "[CLS] $A [SEP] $B:1 [SEP]:1").
    private static byte[] FastTokenizerJson(IReadOnlyList<string> vocab)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < vocab.Count; i++) ids[vocab[i]] = i;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");
            json.WriteStartArray("added_tokens");
            foreach (var special in Specials.OrderBy(s => ids[s]))
            {
                json.WriteStartObject();
                json.WriteNumber("id", ids[special]);
                json.WriteString("content", special);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("lstrip", false);
                json.WriteBoolean("rstrip", false);
                json.WriteBoolean("normalized", false);
                json.WriteBoolean("special", true);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("normalizer");
            json.WriteString("type", "BertNormalizer");
            json.WriteBoolean("clean_text", true);
            json.WriteBoolean("handle_chinese_chars", true);
            json.WriteNull("strip_accents");
            json.WriteBoolean("lowercase", true);
            json.WriteEndObject();
            json.WriteStartObject("pre_tokenizer");
            json.WriteString("type", "BertPreTokenizer");
            json.WriteEndObject();
            WritePostProcessor(json, ids["[CLS]"], ids["[SEP]"]);
            json.WriteStartObject("decoder");
            json.WriteString("type", "WordPiece");
            json.WriteString("prefix", "##");
            json.WriteBoolean("cleanup", true);
            json.WriteEndObject();
            json.WriteStartObject("model");
            json.WriteString("type", "WordPiece");
            json.WriteString("unk_token", "[UNK]");
            json.WriteString("continuing_subword_prefix", "##");
            json.WriteNumber("max_input_chars_per_word", 100);
            json.WriteStartObject("vocab");
            for (int i = 0; i < vocab.Count; i++) json.WriteNumber(vocab[i], i);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void WritePostProcessor(Utf8JsonWriter json, int cls, int sep)
    {
        json.WriteStartObject("post_processor");
        json.WriteString("type", "TemplateProcessing");
        json.WriteStartArray("single");
        Piece(json, "SpecialToken", "[CLS]", 0);
        Piece(json, "Sequence", "A", 0);
        Piece(json, "SpecialToken", "[SEP]", 0);
        json.WriteEndArray();
        json.WriteStartArray("pair");
        Piece(json, "SpecialToken", "[CLS]", 0);
        Piece(json, "Sequence", "A", 0);
        Piece(json, "SpecialToken", "[SEP]", 0);
        Piece(json, "Sequence", "B", 1);
        Piece(json, "SpecialToken", "[SEP]", 1);
        json.WriteEndArray();
        json.WriteStartObject("special_tokens");
        foreach (var (token, id) in new[] { ("[CLS]", cls), ("[SEP]", sep) })
        {
            json.WriteStartObject(token);
            json.WriteString("id", token);
            json.WriteStartArray("ids");
            json.WriteNumberValue(id);
            json.WriteEndArray();
            json.WriteStartArray("tokens");
            json.WriteStringValue(token);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Piece(Utf8JsonWriter json, string kind, string id, int typeId)
    {
        json.WriteStartObject();
        json.WriteStartObject(kind);
        json.WriteString("id", id);
        json.WriteNumber("type_id", typeId);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
