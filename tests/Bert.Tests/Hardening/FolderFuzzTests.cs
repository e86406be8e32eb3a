using Bert.Synthetic;
using Bert.Tests.Loading;
using Xunit.Abstractions;

namespace Bert.Tests.Hardening;

/// <summary>
/// Seeded mutations of every file a checkpoint folder holds: loading and running either works or fails with
/// <see cref="BertFormatException"/> naming the file — never another exception type.
/// </summary>
public sealed class FolderFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int MutationsPerFile = 1000;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, int> Files => new()
    {
        { "config.json", 1 }, { "tokenizer.json", 1 }, { "tokenizer_config.json", 1 }, { "vocab.txt", 1 },
        { "model.safetensors", 1 }, { "model.safetensors.index.json", 2 }, { "model-00001-of-00002.safetensors", 2 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void MutatedFileLoadsOrRaisesBertFormatException(string file, int shards)
    {
        string folder = _temp.Folder(file);
        SyntheticCheckpoint.Create(folder, new SyntheticOptions { Head = SyntheticHead.MaskedLM, Shards = shards, Seed = 3 });
        if (file == "vocab.txt") File.Delete(Path.Combine(folder, "tokenizer.json")); // else vocab.txt is not read
        string path = Path.Combine(folder, file);
        Assert.True(File.Exists(path), $"the synthetic folder has no {file}");
        byte[] valid = File.ReadAllBytes(path);
        var random = new Random(file.Length * 7919 + shards);
        int loaded = 0, rejected = 0;
        var escaped = new List<string>();
        for (int trial = 0; trial < MutationsPerFile; trial++)
        {
            byte[] bytes = Mutate(file, valid, random);
            File.WriteAllBytes(path, bytes);
            try
            {
                LoadAndRun(folder);
                loaded++;
            }
            catch (BertFormatException e)
            {
                Assert.True(File.Exists(Path.Combine(folder, Path.GetFileName(e.File ?? ""))), $"the error names no file of the folder: {e.Message}");
                rejected++;
            }
            catch (Exception e)
            {
                escaped.Add($"{e.GetType().Name}: {e.Message}|trial {trial}\n{Preview(bytes)}");
            }
        }
        output.WriteLine($"{file}: {loaded} loaded, {rejected} rejected with BertFormatException, {escaped.Count} other exceptions");
        foreach (var group in escaped.GroupBy(m => m[..Math.Min(m.IndexOf('|'), 90)]))
            output.WriteLine($"  {group.Count()} × {group.Key}");
        Assert.True(escaped.Count == 0, $"{escaped.Count} mutations escaped as other exceptions; first in {file}: {escaped.FirstOrDefault()}");
        Assert.True(rejected > MutationsPerFile / 10, $"only {rejected} of {MutationsPerFile} mutations were rejected: the mutator is not biting");
    }

    private static byte[] Mutate(string file, byte[] valid, Random random) =>
        file.EndsWith(".json") ? JsonMutator.Mutate(valid, random)
        : file.EndsWith(".txt") ? TextMutator.MutateLines(valid, random)
        : JsonMutator.ByteMutation(valid, random);

    private static void LoadAndRun(string folder)
    {
        using var model = BertModel.Load(folder);
        var tokenizer = model.Tokenizer;
        if (tokenizer is null) return;
        var e = tokenizer.Encode("Hello, world! [MASK] héllo 東京 unaffable", null);
        var hidden = new float[e.Ids.Length * model.Config.HiddenSize];
        model.Forward(new BertInput(e), new BertOutputs { LastHiddenState = hidden });
    }

    private static string Preview(byte[] bytes) =>
        bytes.Length > 600 ? System.Text.Encoding.UTF8.GetString(bytes, 0, 600) + "…" : System.Text.Encoding.UTF8.GetString(bytes);
}
