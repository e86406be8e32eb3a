using Bert.Synthetic;

namespace Bert.Tests.SentenceTransformers;

/// <summary>Writes sentence-transformers files next to a synthetic checkpoint, as sentence-transformers saves them.</summary>
internal static class StFolder
{
    /// <summary>A tiny synthetic BERT (H 64, 128 positions) in <paramref name="folder"/>.</summary>
    public static SyntheticCheckpoint Tiny(string folder, ulong seed = 7, bool onnx = false) =>
        SyntheticCheckpoint.Create(folder, new SyntheticOptions { Seed = seed, WriteOnnx = onnx });

    /// <summary>modules.json with Transformer (path ""), Pooling (1_Pooling) and optionally Normalize (2_Normalize).</summary>
    public static void WriteModules(string folder, bool normalize, string transformerPath = "")
    {
        string normalizeModule = normalize
            ? ",\n  {\"idx\": 2, \"name\": \"2\", \"path\": \"2_Normalize\", \"type\": \"sentence_transformers.models.Normalize\"}"
            : "";
        File.WriteAllText(Path.Combine(folder, "modules.json"), $$"""
            [
              {"idx": 0, "name": "0", "path": "{{transformerPath}}", "type": "sentence_transformers.models.Transformer"},
              {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}{{normalizeModule}}
            ]
            """);
    }

    /// <summary>1_Pooling/config.json with the given mode flags (the six keys sentence-transformers writes).</summary>
    public static void WritePooling(string folder, int dimension, BertPooling modes, bool includePrompt = true)
    {
        Directory.CreateDirectory(Path.Combine(folder, "1_Pooling"));
        string B(BertPooling m) => (modes & m) != 0 ? "true" : "false";
        File.WriteAllText(Path.Combine(folder, "1_Pooling", "config.json"), $$"""
            {
              "word_embedding_dimension": {{dimension}},
              "pooling_mode_cls_token": {{B(BertPooling.Cls)}},
              "pooling_mode_mean_tokens": {{B(BertPooling.Mean)}},
              "pooling_mode_max_tokens": {{B(BertPooling.Max)}},
              "pooling_mode_mean_sqrt_len_tokens": {{B(BertPooling.MeanSqrtLen)}},
              "pooling_mode_weightedmean_tokens": {{B(BertPooling.WeightedMean)}},
              "pooling_mode_lasttoken": {{B(BertPooling.LastToken)}},
              "include_prompt": {{(includePrompt ? "true" : "false")}}
            }
            """);
    }

    public static void WriteSentenceBertConfig(string folder, int maxSeqLength, bool doLowerCase = false) =>
        File.WriteAllText(Path.Combine(folder, "sentence_bert_config.json"),
            $$"""{"max_seq_length": {{maxSeqLength}}, "do_lower_case": {{(doLowerCase ? "true" : "false")}}}""");

    public static void WriteModelConfig(string folder, string json) =>
        File.WriteAllText(Path.Combine(folder, "config_sentence_transformers.json"), json);

    /// <summary>Mixed-length lower-case texts built from common words (deterministic).</summary>
    public static string[] Texts(int count, int seed, int maxWords = 60)
    {
        string[] words = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "quickly", "over", "hill", "and", "then", "slept", "in", "sun", "weather", "is", "lovely", "today", "stadium", "drove", "he", "it", "so", "sunny", "outside", ",", ".", "!"];
        var rng = new Random(seed);
        var texts = new string[count];
        for (int i = 0; i < count; i++)
        {
            int n = rng.Next(0, 4) == 0 ? rng.Next(0, 3) : rng.Next(1, maxWords);
            texts[i] = string.Join(' ', Enumerable.Range(0, n).Select(_ => words[rng.Next(words.Length)]));
        }
        return texts;
    }
}
