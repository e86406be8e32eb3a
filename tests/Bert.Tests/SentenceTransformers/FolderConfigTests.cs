using Bert.SentenceTransformers;
using Bert.Tests.Model;

namespace Bert.Tests.SentenceTransformers;

/// <summary>
/// Reading sentence-transformers folders and following them: expected vectors are computed here from the raw
/// last_hidden_state of the span API with double arithmetic, per sentence-transformers' formulas.
/// </summary>
public sealed class FolderConfigTests : IDisposable
{
    // Pooling and normalizing 64 floats in float vs double: well under 1e-5 (the encoder output is shared).
    private const double Tolerance = 1e-5;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-st-config-" + Guid.NewGuid().ToString("N"));

    private static double[][] Hidden(BertModel model, int[] ids)
    {
        int h = model.Config.HiddenSize;
        var flat = new float[ids.Length * h];
        model.Forward(new BertInput(ids, default, default, 1, ids.Length), new BertOutputs { LastHiddenState = flat });
        return [.. Enumerable.Range(0, ids.Length).Select(t => flat.AsSpan(t * h, h).ToArray().Select(x => (double)x).ToArray())];
    }

    private static float[] Normalized(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => (float)(x / Math.Max(norm, 1e-12)))];
    }

    private static double[] Mean(double[][] rows, int from = 0) =>
        [.. Enumerable.Range(0, rows[0].Length).Select(c => rows.Skip(from).Average(r => r[c]))];

    [Fact]
    public void PlainFolderMeansMeanPoolingWithoutNormalization()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "plain"));
        using var model = BertModel.Load(ckpt.Folder);
        Assert.Same(SentenceTransformerConfig.Default, model.SentenceTransformerConfig);
        Assert.False(model.SentenceTransformerConfig.HasModules);
        var ids = model.Tokenizer!.Encode("the cat sat on the mat").Ids;
        var expected = Mean(Hidden(model, ids));
        var v = model.Encode("the cat sat on the mat");
        Assert.True(Compare.MaxAbs([.. expected.Select(x => (float)x)], v) <= Tolerance);
        Assert.True(Math.Abs(Math.Sqrt(v.Sum(x => (double)x * x)) - 1) > 0.1, "a plain folder is not normalized");
        Assert.Equal(model.Config.HiddenSize, model.EmbeddingDimension);
    }

    [Fact]
    public void ClsNormalizeMaxSeqLengthAndLowerCaseAreFollowed()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "cls"));
        StFolder.WriteModules(ckpt.Folder, normalize: true);
        StFolder.WritePooling(ckpt.Folder, 64, BertPooling.Cls);
        StFolder.WriteSentenceBertConfig(ckpt.Folder, maxSeqLength: 8, doLowerCase: true);
        StFolder.WriteModelConfig(ckpt.Folder, """{"__version__": {"sentence_transformers": "3.0.1"}, "prompts": {}, "default_prompt_name": null, "similarity_fn_name": "dot"}""");
        using var model = BertModel.Load(ckpt.Folder);
        var st = model.SentenceTransformerConfig;
        Assert.Equal((BertPooling.Cls, true, 8, true, SimilarityFunction.Dot), (st.Pooling, st.Normalize, st.MaxSeqLength, st.DoLowerCase, st.SimilarityFunction));

        const string text = "The Cat sat on the mat and then the dog ran over the hill";
        var ids = model.Tokenizer!.Encode(text.ToLowerInvariant(), maxLength: 8).Ids; // cut to max_seq_length, lower-cased
        Assert.Equal(8, ids.Length);
        var expected = Normalized(Hidden(model, ids)[0]);
        var v = model.Encode(text);
        Assert.True(Compare.MaxAbs(expected, v) <= Tolerance);
        Assert.Equal(1, Math.Sqrt(v.Sum(x => (double)x * x)), 1e-5);
        // The folder's similarity is dot: a·b, computed here in double.
        var w = model.Encode("a dog");
        Assert.Equal(v.Zip(w).Sum(p => (double)p.First * p.Second), model.Similarity(v, w), 1e-5);
    }

    [Fact]
    public void DefaultPromptIsPrependedAndIncludePromptFalseDropsItsTokensFromTheMean()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "prompt"));
        StFolder.WriteModules(ckpt.Folder, normalize: false);
        StFolder.WritePooling(ckpt.Folder, 64, BertPooling.Mean, includePrompt: false);
        StFolder.WriteModelConfig(ckpt.Folder, """{"prompts": {"query": "query : ", "doc": ""}, "default_prompt_name": "query", "similarity_fn_name": null}""");
        using var model = BertModel.Load(ckpt.Folder);
        var tok = model.Tokenizer!;
        var ids = tok.Encode("query : the cat").Ids;
        int promptLength = tok.Encode("query : ").Ids.Length - 1; // sentence-transformers: prompt tokens with [CLS], without [SEP]
        Assert.True(promptLength >= 3); // [CLS], "query" (one or more pieces), ":"
        var expected = Mean(Hidden(model, ids), from: promptLength);
        Assert.True(Compare.MaxAbs([.. expected.Select(x => (float)x)], model.Encode("the cat")) <= Tolerance);

        // Prompt "" (explicit) and the empty named prompt turn the default off; then nothing is masked.
        var plain = Mean(Hidden(model, tok.Encode("the cat").Ids));
        Assert.True(Compare.MaxAbs([.. plain.Select(x => (float)x)], model.Encode("the cat", new EmbeddingOptions { Prompt = "" })) <= Tolerance);
        Assert.True(Compare.MaxAbs([.. plain.Select(x => (float)x)], model.Encode("the cat", new EmbeddingOptions { PromptName = "doc" })) <= Tolerance);
        // include_prompt overridden per call: the prompt tokens are pooled.
        var all = Mean(Hidden(model, ids));
        Assert.True(Compare.MaxAbs([.. all.Select(x => (float)x)], model.Encode("the cat", new EmbeddingOptions { IncludePrompt = true })) <= Tolerance);
        Assert.Contains("'nope'", Assert.Throws<ArgumentException>(() => model.Encode("x", new EmbeddingOptions { PromptName = "nope" })).Message);
        Assert.Equal(SimilarityFunction.Cosine, model.SentenceTransformerConfig.SimilarityFunction);
    }

    [Fact]
    public void PerInstanceDefaultsYieldToPerCallOptions()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "override"));
        StFolder.WriteModules(ckpt.Folder, normalize: true);
        StFolder.WritePooling(ckpt.Folder, 64, BertPooling.Mean);
        using var model = BertModel.Load(ckpt.Folder);
        var raw = Mean(Hidden(model, model.Tokenizer!.Encode("the cat").Ids));
        model.EmbeddingDefaults = new EmbeddingOptions { Normalize = false, TruncateDimension = 10 };
        Assert.Equal(10, model.EmbeddingDimension);
        Assert.True(Compare.MaxAbs([.. raw.Take(10).Select(x => (float)x)], model.Encode("the cat")) <= Tolerance);
        var perCall = model.Encode("the cat", new EmbeddingOptions { Normalize = true });
        Assert.True(Compare.MaxAbs(Normalized([.. raw.Take(10)]), perCall) <= Tolerance); // truncated, then normalized
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Encode("x", new EmbeddingOptions { MaxLength = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Encode("x", new EmbeddingOptions { MaxLength = model.Config.MaxPositionEmbeddings + 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Encode("x", new EmbeddingOptions { TruncateDimension = 65 }));
    }

    [Fact]
    public void TransformerModulePathLocatesTheWeights()
    {
        string folder = Path.Combine(_root, "nested");
        var ckpt = StFolder.Tiny(Path.Combine(folder, "0_BERT"));
        StFolder.WriteModules(folder, normalize: true, transformerPath: "0_BERT");
        StFolder.WritePooling(folder, 64, BertPooling.Max);
        StFolder.WriteSentenceBertConfig(ckpt.Folder, 16);
        using var model = BertModel.Load(folder);
        Assert.Equal("0_BERT", model.SentenceTransformerConfig.TransformerPath);
        Assert.Equal(16, model.SentenceTransformerConfig.MaxSeqLength); // sentence_bert_config.json of the module's folder
        var hidden = Hidden(model, model.Tokenizer!.Encode("the cat sat").Ids);
        var max = Enumerable.Range(0, 64).Select(c => hidden.Max(r => r[c])).ToArray();
        Assert.True(Compare.MaxAbs(Normalized(max), model.Encode("the cat sat")) <= Tolerance);
    }

    [Fact]
    public void SettingsLetACallerRunTheForwardPassItself()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "settings"));
        StFolder.WriteModules(ckpt.Folder, normalize: true);
        StFolder.WritePooling(ckpt.Folder, 64, BertPooling.Mean | BertPooling.Cls, includePrompt: false);
        StFolder.WriteSentenceBertConfig(ckpt.Folder, 12);
        StFolder.WriteModelConfig(ckpt.Folder, """{"prompts": {"query": "query : "}, "default_prompt_name": "query"}""");
        using var model = BertModel.Load(ckpt.Folder);
        var settings = model.GetEmbeddingSettings(new EmbeddingOptions { TruncateDimension = 100 });
        Assert.Equal((12, "query : ", 100, true), (settings.MaxLength, settings.Prompt, settings.Dimension, settings.Normalize));
        foreach (var text in new[] { "the cat sat on the mat and the dog ran over the hill", "a" })
        {
            var ids = model.Tokenizer!.Encode(settings.PrepareText(text), maxLength: settings.MaxLength).Ids;
            var hidden = new float[ids.Length * 64];
            model.Forward(new BertInput(ids, default, default, 1, ids.Length), new BertOutputs { LastHiddenState = hidden });
            // Same plan, same rows: the caller's forward pass and the library's agree to float rounding.
            Assert.True(Compare.MaxAbs(model.Encode(text, new EmbeddingOptions { TruncateDimension = 100 }), settings.Pool(hidden, ids.Length)) <= Tolerance);
        }
        Assert.Throws<ArgumentException>(() => settings.Pool(new float[64 * 3], 2));
    }

    public static TheoryData<string, string, string, string?> BadFiles() => new()
    {
        // file to write, its content, file named in the error, field named in the error
        { "modules.json", """{"idx": 0}""", "modules.json", null },
        { "modules.json", """[{"idx": 0, "path": ""}]""", "modules.json", "[0].type" },
        { "modules.json", """[{"idx": 0, "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]""", "modules.json", "[1].type" },
        { "modules.json", """[{"idx": 0, "path": "../elsewhere", "type": "sentence_transformers.models.Transformer"}]""", "modules.json", "[0].path" },
        { "modules.json", """[{"idx": 0, "path": "", "type": "sentence_transformers.models.Transformer"}]""", "modules.json", null },
        { "modules.json", """[{"idx": 0, "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]""", "modules.json", "[0].type" },
        { "1_Pooling/config.json", """{"pooling_mode_cls_token": "yes"}""", "config.json", "pooling_mode_cls_token" },
        { "1_Pooling/config.json", """{"pooling_mode_mean_tokens": false}""", "config.json", "pooling_mode_mean_tokens" },
        { "1_Pooling/config.json", """{"pooling_mode": "median"}""", "config.json", "pooling_mode" },
        { "1_Pooling/config.json", """{"word_embedding_dimension": 384}""", "config.json", "word_embedding_dimension" },
        { "1_Pooling/config.json", """{"include_prompt": 1}""", "config.json", "include_prompt" },
        { "1_Pooling/config.json", "{ not json", "config.json", null },
        { "sentence_bert_config.json", """{"max_seq_length": "256"}""", "sentence_bert_config.json", "max_seq_length" },
        { "sentence_bert_config.json", """{"max_seq_length": 1}""", "sentence_bert_config.json", "max_seq_length" },
        { "sentence_bert_config.json", """{"do_lower_case": "false"}""", "sentence_bert_config.json", "do_lower_case" },
        { "config_sentence_transformers.json", """{"prompts": {"query": 1}}""", "config_sentence_transformers.json", "prompts.query" },
        { "config_sentence_transformers.json", """{"prompts": {"query": "q: "}, "default_prompt_name": "passage"}""", "config_sentence_transformers.json", "default_prompt_name" },
        { "config_sentence_transformers.json", """{"similarity_fn_name": "cosin"}""", "config_sentence_transformers.json", "similarity_fn_name" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFilesAreFormatErrorsNamingFileAndField(string file, string content, string named, string? field)
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "bad-" + Guid.NewGuid().ToString("N")));
        StFolder.WriteModules(ckpt.Folder, normalize: true);
        StFolder.WritePooling(ckpt.Folder, 64, BertPooling.Mean);
        File.WriteAllText(Path.Combine(ckpt.Folder, file), content);
        var e = Assert.Throws<BertFormatException>(() => BertModel.Load(ckpt.Folder));
        Assert.EndsWith(named, e.File);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void ModulesWithoutPoolingFileIsAFormatErrorNamingIt()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "nopool"));
        StFolder.WriteModules(ckpt.Folder, normalize: false);
        var e = Assert.Throws<BertFormatException>(() => BertModel.Load(ckpt.Folder));
        Assert.EndsWith(Path.Combine("1_Pooling", "config.json"), e.File);
    }

    [Fact]
    public void PoolingModeStringAndDefaultsFollowTheConstructor()
    {
        var ckpt = StFolder.Tiny(Path.Combine(_root, "modes"));
        StFolder.WriteModules(ckpt.Folder, normalize: false);
        Directory.CreateDirectory(Path.Combine(ckpt.Folder, "1_Pooling"));
        File.WriteAllText(Path.Combine(ckpt.Folder, "1_Pooling", "config.json"), """{"word_embedding_dimension": 64, "pooling_mode": "LastToken"}""");
        Assert.Equal(BertPooling.LastToken, SentenceTransformerConfig.Load(ckpt.Folder).Pooling);
        // Keys left out take Pooling()'s defaults: mean_tokens=True, so cls alone becomes cls + mean.
        File.WriteAllText(Path.Combine(ckpt.Folder, "1_Pooling", "config.json"), """{"pooling_mode_cls_token": true}""");
        Assert.Equal(BertPooling.Cls | BertPooling.Mean, SentenceTransformerConfig.Load(ckpt.Folder).Pooling);
        using var model = BertModel.Load(ckpt.Folder);
        Assert.Equal(128, model.EmbeddingDimension);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
