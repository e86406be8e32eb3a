using System.Text.Json;
using Bert.Pipelines;
using Bert.Tokenization;

namespace Bert.Cli.Tests;

/// <summary>tokenize, similarity, classify, fill-mask and make-model end to end, compared with the library's answers.</summary>
public sealed class TaskCommandTests(CliFolders folders) : IClassFixture<CliFolders>
{
    private static JsonElement Json(string line) => JsonDocument.Parse(line).RootElement;

    [Fact]
    public void Tokenize_prints_the_tokenizers_ids_tokens_and_offsets()
    {
        var r = BertTool.Run("tokenize", "-m", folders.Model, "--json", "Hello, wörld!");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var expected = BertTokenizer.Load(folders.Model).Encode("Hello, wörld!");
        var line = Json(r.Lines.Single());
        Assert.Equal(expected.Ids, line.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal(expected.Tokens, line.GetProperty("tokens").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(expected.Offsets.Select(o => o.Start), line.GetProperty("offsets").EnumerateArray().Select(x => x[0].GetInt32()));
    }

    [Fact]
    public void Similarity_ranks_by_the_cosine_of_the_librarys_vectors()
    {
        string[] texts = ["a b c", "a b c", "x y z w", "a b"];
        var r = BertTool.Run(["similarity", "-m", folders.Model, "--json", .. texts]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var model = BertModel.Load(folders.Model);
        var q = model.Encode(texts[0]);
        var scores = r.Lines.Select(Json).ToArray();
        Assert.Equal(3, scores.Length);
        Assert.Equal(0, scores[0].GetProperty("index").GetInt32());   // the identical text first
        Assert.Equal(1.0, scores[0].GetProperty("score").GetDouble(), 1e-5);
        foreach (var s in scores)
        {
            var v = model.Encode(texts[s.GetProperty("index").GetInt32() + 1]);
            double dot = q.Zip(v, (a, b) => (double)a * b).Sum(), cos = dot / Math.Sqrt(q.Sum(a => (double)a * a) * v.Sum(b => (double)b * b));
            Assert.Equal(cos, s.GetProperty("score").GetDouble(), 1e-5);   // batched vs single forward: see EncodeCommandTests
        }
        Assert.True(scores.Select(s => s.GetProperty("score").GetDouble()).SequenceEqual(scores.Select(s => s.GetProperty("score").GetDouble()).OrderDescending()));
    }

    [Fact]
    public void Classify_prints_the_librarys_label_and_probabilities()
    {
        var r = BertTool.Run("classify", "-m", folders.Classifier, "--json", "-k", "0", "some text", "another");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var model = BertModel.Load(folders.Classifier);
        foreach (var (line, text) in r.Lines.Select(Json).Zip(["some text", "another"]))
        {
            var c = model.Classify(text);
            Assert.Equal(c.Label, line.GetProperty("label").GetString());
            Assert.Equal(c.Score, line.GetProperty("score").GetSingle(), 1e-6f);   // batched vs single forward
            Assert.Equal(3, line.GetProperty("labels").GetArrayLength());
        }
    }

    [Fact]
    public void Fill_mask_prints_top_k_candidates_per_mask()
    {
        var r = BertTool.Run("fill-mask", "-m", folders.MaskedLM, "--json", "-k", "4", "a [MASK] b [MASK]");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var masks = Json(r.Lines.Single()).GetProperty("masks");
        Assert.Equal(2, masks.GetArrayLength());
        using var model = BertModel.Load(folders.MaskedLM);
        var expected = model.FillMask("a [MASK] b [MASK]", new FillMaskOptions { TopK = 4 });
        for (int m = 0; m < 2; m++)
            Assert.Equal(expected[m].Select(p => p.Id), masks[m].EnumerateArray().Select(p => p.GetProperty("id").GetInt32()));
    }

    [Fact]
    public void Make_model_writes_a_folder_the_library_loads()
    {
        string folder = folders.File("made");
        var r = BertTool.Run("make-model", "--out", folder, "--head", "mlm", "--seed", "7", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("BertForMaskedLM", Json(r.Lines.Single()).GetProperty("architecture").GetString());
        using var model = BertModel.Load(folder);
        Assert.True(model.Heads.HasFlag(BertHeads.MaskedLM));
    }

    [Fact]
    public void Rerank_orders_documents_as_the_library_does()
    {
        string[] docs = ["first doc", "a second, longer document", "third"];
        var r = BertTool.Run(["rerank", "-m", folders.CrossEncoder, "--json", "-q", "the query", .. docs]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var model = BertModel.Load(folders.CrossEncoder);
        var expected = model.Rerank("the query", docs);
        Assert.Equal(expected.Select(e => e.Index), r.Lines.Select(Json).Select(l => l.GetProperty("index").GetInt32()));
    }

    [Fact]
    public void Ner_prints_the_librarys_entities()
    {
        var r = BertTool.Run("ner", "-m", folders.TokenClassifier, "--json", "--aggregation", "None", "John lives in Berlin");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var model = BertModel.Load(folders.TokenClassifier);
        var expected = model.ExtractEntities("John lives in Berlin", new TokenClassificationOptions { AggregationStrategy = AggregationStrategy.None });
        var entities = Json(r.Lines.Single()).GetProperty("entities");
        Assert.Equal(expected.Select(e => (e.Label, e.Start, e.End)),
            entities.EnumerateArray().Select(e => (e.GetProperty("label").GetString()!, e.GetProperty("start").GetInt32(), e.GetProperty("end").GetInt32())));
    }

    [Fact]
    public void Qa_prints_the_librarys_answer_span()
    {
        const string question = "Where does John live?", context = "John lives in Berlin and works in Paris.";
        var r = BertTool.Run("qa", "-m", folders.QuestionAnswering, "--json", "-q", question, "-c", context);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var model = BertModel.Load(folders.QuestionAnswering);
        var expected = model.AnswerQuestion(question, context)[0];
        var answer = Json(r.Lines.Single());
        Assert.Equal(expected.Answer, answer.GetProperty("answer").GetString());
        Assert.Equal(context[expected.Start..expected.End], answer.GetProperty("answer").GetString());
        Assert.Equal(expected.Start, answer.GetProperty("start").GetInt32());
    }

    [Fact]
    public void Bench_reports_positive_latency_and_throughput_and_bounds_the_shape()
    {
        var r = BertTool.Run("bench", "-m", folders.Model, "--json", "-b", "2", "-s", "16", "-n", "3", "--warmup", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var j = Json(r.Lines.Single());
        Assert.True(j.GetProperty("median_ms").GetDouble() > 0);
        Assert.True(j.GetProperty("p90_ms").GetDouble() >= j.GetProperty("median_ms").GetDouble());
        Assert.True(j.GetProperty("tokens_per_second").GetDouble() > 0);
        var tooLong = BertTool.Run("bench", "-m", folders.Model, "-s", "100000");
        Assert.Equal(2, tooLong.ExitCode);
        Assert.Contains("max_position_embeddings", tooLong.Stderr);
    }
}
