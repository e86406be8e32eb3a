using System.Text;
using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>vocab.txt, tokenizer.json and tokenizer_config.json, and a clear exception for each kind of bad file.</summary>
public sealed class LoadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bert-tok-").FullName;
    private static readonly string[] Lines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "Hello", "world", "##s", "café", "cafe"];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private static string TokenizerJson(string normalizer, string modelType = "WordPiece", string addedTokens = "") => $$$"""
        {
          "version": "1.0", "truncation": null, "padding": null,
          "added_tokens": [
            {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
            {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}{{{addedTokens}}}
          ],
          "normalizer": {{{normalizer}}},
          "pre_tokenizer": {"type": "BertPreTokenizer"},
          "post_processor": {"type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [], "special_tokens": {}},
          "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
          "model": {"type": "{{{modelType}}}", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
            "vocab": {{{VocabJson}}}}
        }
        """;

    private static string VocabJson => "{" + string.Join(", ", Lines.Select((t, i) => $"\"{t}\": {i}")) + "}";

    private const string BertNormalizerCased =
        """{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": false}""";

    [Fact]
    public void VocabTxtGivesLineNumbersAsIds()
    {
        var tok = BertTokenizer.FromVocabFile(Write("vocab.txt", string.Join("\n", Lines) + "\n"));
        Assert.Equal(11, tok.Vocabulary.Count);
        Assert.Equal(5, tok.Vocabulary.GetId("hello"));
        Assert.Equal("##s", tok.Vocabulary.GetToken(8));
        Assert.Equal([2, 5, 7, 3], tok.Encode("Hello WORLD").Ids);
    }

    [Fact]
    public void VocabTxtWithCrLfLineEnds()
    {
        var tok = BertTokenizer.FromVocabFile(Write("vocab.txt", string.Join("\r\n", Lines)));
        Assert.Equal(7, tok.Vocabulary.GetId("world"));
    }

    [Fact]
    public void BadVocabFilesNameTheFileAndTheProblem()
    {
        var missing = Assert.Throws<BertFormatException>(() => BertTokenizer.FromVocabFile(Path.Combine(_dir, "nope.txt")));
        Assert.Contains("nope.txt", missing.Message);
        var empty = Assert.Throws<BertFormatException>(() => BertTokenizer.FromVocabFile(Write("empty.txt", "")));
        Assert.Contains("empty", empty.Message);
        var duplicate = Assert.Throws<BertFormatException>(() => BertTokenizer.FromVocabFile(Write("dup.txt", "[UNK]\n[CLS]\n[SEP]\na\nb\na\n")));
        Assert.Contains("dup.txt", duplicate.Message);
        Assert.Contains("line 6", duplicate.Message);
        var noUnk = Assert.Throws<BertFormatException>(() => BertTokenizer.FromVocabFile(Write("nounk.txt", "[CLS]\n[SEP]\na\n")));
        Assert.Contains("[UNK]", noUnk.Message);
        Assert.Equal("unk_token", noUnk.Field);
    }

    [Fact]
    public void TokenizerJsonReadsWordPieceAndBertNormalizer()
    {
        var tok = BertTokenizer.FromTokenizerJson(Write("tokenizer.json", TokenizerJson(BertNormalizerCased)));
        Assert.False(tok.Options.LowerCase);
        Assert.Equal([2, 6, 1, 3], tok.Encode("Hello WORLD").Ids);
        Assert.Equal(["café"], tok.Tokenize("café"));   // cased: strip_accents null follows lowercase=false
    }

    [Fact]
    public void TokenizerJsonNormalizerInsideSequence()
    {
        string sequence = $$"""{"type": "Sequence", "normalizers": [{"type": "NFD"}, {{BertNormalizerCased.Replace("\"lowercase\": false", "\"lowercase\": true")}}]}""";
        var tok = BertTokenizer.FromTokenizerJson(Write("tokenizer.json", TokenizerJson(sequence)));
        Assert.True(tok.Options.LowerCase);
        Assert.Equal(["hello", "cafe"], tok.Tokenize("Hello CAFÉ"));
    }

    [Fact]
    public void TokenizerJsonAddedTokensAreNeverSplit()
    {
        const string added = """, {"id": 11, "content": "<ent>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}""";
        const string plain = """, {"id": 12, "content": "<plain>", "special": false}""";
        var tok = BertTokenizer.FromTokenizerJson(Write("tokenizer.json", TokenizerJson(BertNormalizerCased, addedTokens: added + plain)));
        Assert.Equal(13, tok.Vocabulary.Count);
        Assert.Equal(["hello", "<ent>", "world", "<plain>", "hello"], tok.Tokenize("hello<ent>world<plain>hello"));
        // Special added tokens are skipped; a non-special one stays and is its own group (so "##s" after it is not glued).
        int[] ids = [2, 5, 11, 7, 12, 8, 3];   // [CLS] hello <ent> world <plain> ##s [SEP]
        Assert.Equal("hello world <plain> ##s", tok.Decode(ids));
        Assert.Equal("[CLS] hello <ent> world <plain> ##s [SEP]", tok.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void BadTokenizerJsonNamesTheField()
    {
        var bpe = Assert.Throws<BertFormatException>(() => BertTokenizer.FromTokenizerJson(Write("tokenizer.json", TokenizerJson("null", "BPE"))));
        Assert.Equal("model.type", bpe.Field);
        Assert.Contains("BPE", bpe.Message);
        var json = Assert.Throws<BertFormatException>(() => BertTokenizer.FromTokenizerJson(Write("bad.json", "{ not json")));
        Assert.Contains("bad.json", json.Message);
        var norm = Assert.Throws<BertFormatException>(() => BertTokenizer.FromTokenizerJson(Write("t.json", TokenizerJson("""{"type": "NFKC"}"""))));
        Assert.Equal("normalizer.type", norm.Field);
        const string clash = """, {"id": 7, "content": "hello", "special": false}""";
        var conflict = Assert.Throws<BertFormatException>(() => BertTokenizer.FromTokenizerJson(Write("c.json", TokenizerJson("null", addedTokens: clash))));
        Assert.Contains("added_tokens[2]", conflict.Message);
        string tooLong = TokenizerJson("null").Replace("\"max_input_chars_per_word\": 100", "\"max_input_chars_per_word\": -5");
        var chars = Assert.Throws<BertFormatException>(() => BertTokenizer.FromTokenizerJson(Write("m.json", tooLong)));
        Assert.Equal("model.max_input_chars_per_word", chars.Field);
        string badLower = TokenizerJson(BertNormalizerCased.Replace("\"lowercase\": false", "\"lowercase\": \"no\""));
        Assert.Equal("normalizer.lowercase", Assert.Throws<BertFormatException>(() => BertTokenizer.FromTokenizerJson(Write("l.json", badLower))).Field);
    }

    [Fact]
    public void LoadPrefersTokenizerJsonAndReadsConfig()
    {
        Write("vocab.txt", string.Join("\n", Lines));
        Write("tokenizer_config.json", """{"do_lower_case": false, "model_max_length": 128, "tokenizer_class": "BertTokenizer"}""");
        var fromVocab = BertTokenizer.Load(_dir);
        Assert.False(fromVocab.Options.LowerCase);
        Assert.Equal(128, fromVocab.MaxLength);
        Write("tokenizer.json", TokenizerJson(BertNormalizerCased.Replace("\"lowercase\": false", "\"lowercase\": true")));
        var fromJson = BertTokenizer.Load(_dir);
        Assert.False(fromJson.Options.LowerCase);   // do_lower_case of the config wins, as in HF's BertTokenizerFast.__init__
        Assert.Equal(128, fromJson.MaxLength);
        Assert.Equal([6], fromJson.Encode("Hello", addSpecialTokens: false).Ids);
        Write("tokenizer_config.json", """{"model_max_length": 64}""");
        var jsonOnly = BertTokenizer.Load(_dir);
        Assert.True(jsonOnly.Options.LowerCase);    // no do_lower_case key: tokenizer.json's normalizer decides
        Assert.Equal(64, jsonOnly.MaxLength);
    }

    [Fact]
    public void HugeModelMaxLengthKeepsTheDefault()
    {
        Write("vocab.txt", string.Join("\n", Lines));
        Write("tokenizer_config.json", """{"model_max_length": 1000000000000000019884624838656}""");
        Assert.Equal(512, BertTokenizer.Load(_dir).MaxLength);
    }

    [Fact]
    public void LoadWithoutFilesThrows()
    {
        var e = Assert.Throws<BertFormatException>(() => BertTokenizer.Load(_dir));
        Assert.Contains("vocab.txt", e.Message);
    }

    [Fact]
    public void StreamOverloads()
    {
        var tok = BertTokenizer.FromVocabFile(TinyVocab.VocabTxt(Lines), new BertTokenizerOptions { LowerCase = false });
        Assert.Equal([6], tok.Encode("Hello", addSpecialTokens: false).Ids);
        using var json = new MemoryStream(Encoding.UTF8.GetBytes(TokenizerJson(BertNormalizerCased)));
        Assert.Equal(6, BertTokenizer.FromTokenizerJson(json).Encode("Hello", addSpecialTokens: false).Ids[0]);
    }

    [Fact]
    public void InvalidOptionsAreArgumentErrors()
    {
        var vocab = TinyVocab.Vocab(["a"]);
        Assert.Throws<ArgumentException>(() => new BertTokenizer(vocab, new BertTokenizerOptions { MaxLength = 1 }));
        Assert.Throws<ArgumentException>(() => new BertTokenizer(vocab, new BertTokenizerOptions { MaxInputCharsPerWord = 0 }));
    }

    [Fact]
    public void BrokenUnicodeNormalisationIsDetected()
    {
        // Under InvariantGlobalization string.Normalize returns its input: the tokenizer must refuse, not mis-tokenize.
        var e = Assert.Throws<NotSupportedException>(() => BertTokenizer.EnsureNormalizationWorks((s, _) => s));
        Assert.Contains("InvariantGlobalization", e.Message);
        BertTokenizer.EnsureNormalizationWorks();   // this process has ICU
    }
}
