using System.Text.Json;
using Bert.Pipelines;

namespace Bert.Cli.Tests;

/// <summary><c>bert eval</c>: gold labels are built so that the expected metric is known by construction.</summary>
public sealed class EvalCommandTests(CliFolders folders) : IClassFixture<CliFolders>
{
    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement;

    [Fact]
    public void Classification_accuracy_from_jsonl_and_csv_is_three_of_four()
    {
        string[] texts = ["first text", "second, with a comma", "third \"quoted\"", "fourth"];
        using var model = BertModel.Load(folders.Classifier);
        var predicted = texts.Select(t => model.Classify(t).Label).ToArray();
        // Gold = the model's label for three texts and a different label for the fourth: accuracy 3/4 exactly.
        var gold = predicted.Select((p, i) => i < 3 ? p : model.Config.Id2Label.Values.First(l => l != p)).ToArray();

        string jsonl = folders.File("eval.jsonl"), csv = folders.File("eval.csv");
        File.WriteAllLines(jsonl, texts.Select((t, i) => JsonSerializer.Serialize(new { text = t, label = gold[i] })));
        File.WriteAllLines(csv, ["text,label", .. texts.Select((t, i) => $"\"{t.Replace("\"", "\"\"")}\",{gold[i]}")]);
        foreach (var file in new[] { jsonl, csv })
        {
            var r = BertTool.Run("eval", "-m", folders.Classifier, "--data", file, "--json");
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Equal(0.75, Json(r.Stdout).GetProperty("accuracy").GetDouble());
            Assert.Equal(4, Json(r.Stdout).GetProperty("count").GetInt32());
        }
        var human = BertTool.Run("eval", "-m", folders.Classifier, "--data", jsonl);
        Assert.Contains("accuracy 0.7500", human.Stdout);
    }

    [Fact]
    public void Qa_exact_match_is_fifty_percent_when_one_of_two_gold_answers_is_the_models()
    {
        const string context = "Ana lives in Lisbon and works in Porto since last year.";
        using var model = BertModel.Load(folders.QuestionAnswering);
        string first = model.AnswerQuestion("Where does Ana live?", context)[0].Answer;
        string file = folders.File("qa.jsonl");
        File.WriteAllLines(file,
        [
            JsonSerializer.Serialize(new { question = "Where does Ana live?", context, answers = new[] { first } }),
            JsonSerializer.Serialize(new { question = "Where does Ana live?", context, answers = new { text = new[] { "zzzq qqqz" } } }),
        ]);
        var r = BertTool.Run("eval", "-m", folders.QuestionAnswering, "--data", file, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(50.0, Json(r.Stdout).GetProperty("exact_match").GetDouble(), 1e-9);
    }

    [Fact]
    public void Ner_gold_equal_to_the_ner_commands_word_tags_scores_token_accuracy_one()
    {
        string[] words = ["John", "lives", "in", "Berlin", "today"];
        using var model = BertModel.Load(folders.TokenClassifier);
        string text = string.Join(' ', words);
        var tokens = model.ExtractEntities(text, new TokenClassificationOptions { AggregationStrategy = AggregationStrategy.None, IgnoreLabels = [] });
        // Each word's tag is the label of its first sub-token (transformers' run_ner convention).
        var starts = words.Select((w, i) => words.Take(i).Sum(x => x.Length + 1)).ToArray();
        var tags = starts.Select(s => tokens.Where(t => t.Start == s).OrderBy(t => t.Index).First().Label).ToArray();
        string file = folders.File("ner.jsonl");
        File.WriteAllText(file, JsonSerializer.Serialize(new { tokens = words, tags }) + "\n");
        var r = BertTool.Run("eval", "-m", folders.TokenClassifier, "--data", file, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(1.0, Json(r.Stdout).GetProperty("token_accuracy").GetDouble());
    }

    [Fact]
    public void Malformed_data_names_the_line()
    {
        string file = folders.File("bad.jsonl");
        File.WriteAllLines(file, ["{\"text\": \"a\", \"label\": \"x\"}", "{\"text\": \"b\"}"]);
        var r = BertTool.Run("eval", "-m", folders.Classifier, "--data", file);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("line 2", r.Stderr);
    }
}
