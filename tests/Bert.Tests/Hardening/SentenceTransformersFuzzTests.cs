using Bert.Synthetic;
using Bert.Tests.Loading;
using Bert.Tests.SentenceTransformers;
using Xunit.Abstractions;

namespace Bert.Tests.Hardening;

/// <summary>
/// Seeded mutations of the sentence-transformers files <see cref="BertModel.Load(string)"/> reads (modules.json with a
/// Normalize module, 1_Pooling/config.json, sentence_bert_config.json, config_sentence_transformers.json): loading and
/// embedding either work or fail with <see cref="BertFormatException"/> naming a file of the folder — nothing else.
/// </summary>
public sealed class SentenceTransformersFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int MutationsPerFile = 300;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("modules.json")]
    [InlineData("1_Pooling/config.json")]
    [InlineData("sentence_bert_config.json")]
    [InlineData("config_sentence_transformers.json")]
    public void MutatedFileLoadsOrRaisesBertFormatException(string file)
    {
        string folder = _temp.Folder(file.Replace('/', '_'));
        SyntheticCheckpoint.Create(folder, new SyntheticOptions { Seed = 3 });
        StFolder.WriteModules(folder, normalize: true);
        StFolder.WritePooling(folder, 64, BertPooling.Mean);
        StFolder.WriteSentenceBertConfig(folder, 64);
        StFolder.WriteModelConfig(folder, """
            {"__version__": {"sentence_transformers": "3.0.1"}, "prompts": {"query": "query: ", "passage": "passage: "},
             "default_prompt_name": null, "similarity_fn_name": "cosine"}
            """);
        string path = Path.Combine(folder, file);
        byte[] valid = File.ReadAllBytes(path);
        var random = new Random(file.Length * 7727);
        int loaded = 0, rejected = 0;
        var escaped = new List<string>();
        for (int trial = 0; trial < MutationsPerFile; trial++)
        {
            byte[] bytes = JsonMutator.Mutate(valid, random);
            File.WriteAllBytes(path, bytes);
            try
            {
                using var model = BertModel.Load(folder);
                model.Encode("Hello, world! héllo 東京");
                loaded++;
            }
            catch (BertFormatException e)
            {
                // A module path that leads nowhere is reported as that (missing) module folder under the checkpoint.
                Assert.True(e.File is not null && Path.GetFullPath(e.File).StartsWith(Path.GetFullPath(folder), StringComparison.Ordinal),
                    $"the error names nothing of the folder: {e.Message}");
                rejected++;
            }
            catch (Exception e)
            {
                escaped.Add($"{e.GetType().Name}: {e.Message}|trial {trial}\n{System.Text.Encoding.UTF8.GetString(bytes)}\n{e.StackTrace}");
            }
        }
        output.WriteLine($"{file}: {loaded} loaded, {rejected} rejected with BertFormatException, {escaped.Count} other exceptions");
        foreach (var group in escaped.GroupBy(m => m[..Math.Min(m.IndexOf('|'), 90)]))
            output.WriteLine($"  {group.Count()} × {group.Key}\n{group.First()}");
        Assert.True(escaped.Count == 0, $"{escaped.Count} mutations escaped as other exceptions; first in {file}: {escaped.FirstOrDefault()}");
        Assert.True(rejected > MutationsPerFile / 10, $"only {rejected} of {MutationsPerFile} mutations were rejected: the mutator is not biting");
    }
}
