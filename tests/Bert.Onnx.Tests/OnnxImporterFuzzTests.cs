using Bert.Synthetic;
using Bert.Tests.Hardening;
using Xunit.Abstractions;

namespace Bert.Onnx.Tests;

/// <summary>
/// Seeded damage to a small synthetic <c>model.onnx</c> and its <c>vocab.txt</c>: the import either succeeds (and the
/// folder it wrote loads and runs) or fails with <see cref="BertFormatException"/> naming the damaged file — never
/// another exception type — and a failure leaves neither the output folder nor a temporary import folder behind.
/// </summary>
public sealed class OnnxImporterFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Mutations = 300;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("vocab.txt")]
    public void MutatedInputImportsOrRaisesBertFormatException(string file)
    {
        var model = SyntheticCheckpoint.Create(_temp["model"], new SyntheticOptions
        {
            Head = SyntheticHead.SequenceClassification, WriteOnnx = true, Seed = 5,
            Config = SyntheticPresets.Tiny with { HiddenSize = 16, NumAttentionHeads = 2, IntermediateSize = 32, MaxPositionEmbeddings = 32 },
        });
        string onnx = _temp["model.onnx"], vocab = _temp["vocab.txt"];
        File.Copy(model.OnnxPath!, onnx);
        File.Copy(Path.Combine(model.Folder, "vocab.txt"), vocab);
        string path = file == "vocab.txt" ? vocab : onnx;
        byte[] valid = File.ReadAllBytes(path);
        var structure = file == "vocab.txt" ? [] : ProtoStructure.Offsets(valid);
        var random = new Random(file.Length * 104_729);
        int imported = 0, rejected = 0;
        var escaped = new List<string>();
        for (int trial = 0; trial < Mutations; trial++)
        {
            byte[] bytes = file == "vocab.txt" ? TextMutator.MutateLines(valid, random) : MutateProto(valid, structure, random);
            File.WriteAllBytes(path, bytes);
            string outFolder = _temp["out"];
            try
            {
                OnnxImporter.Import(onnx, vocab, outFolder);
                LoadAndRun(outFolder);
                imported++;
                Directory.Delete(outFolder, recursive: true);
            }
            catch (BertFormatException e)
            {
                Assert.True(e.File == path, $"trial {trial}: the error names '{e.File}', not the damaged {file}: {e.Message}");
                Assert.False(Directory.Exists(outFolder), $"trial {trial}: a failed import left the output folder");
                rejected++;
            }
            catch (Exception e)
            {
                escaped.Add($"{e.GetType().Name}: {e.Message}|trial {trial}\n{e.StackTrace}");
                if (Directory.Exists(outFolder)) Directory.Delete(outFolder, recursive: true);
            }
            Assert.Empty(Directory.GetDirectories(_temp.Path, ".out.import-*"));
        }
        output.WriteLine($"{file}: {imported} imported, {rejected} rejected with BertFormatException, {escaped.Count} other exceptions");
        foreach (var group in escaped.GroupBy(m => m[..Math.Min(m.IndexOf('|'), 90)]))
            output.WriteLine($"  {group.Count()} × {group.Key}");
        Assert.True(escaped.Count == 0, $"{escaped.Count} mutations escaped as other exceptions; first: {escaped.FirstOrDefault()}");
        Assert.True(rejected > Mutations / 10, $"only {rejected} of {Mutations} mutations were rejected: the mutator is not biting");
    }

    // A damaged head may still import as another architecture, so the check runs the encoder, not a task.
    private static void LoadAndRun(string folder)
    {
        using var model = BertModel.Load(folder);
        var e = model.Tokenizer!.Encode("Hello, world! héllo 東京 unaffable", null);
        model.Forward(new BertInput(e), new BertOutputs { LastHiddenState = new float[e.Ids.Length * model.Config.HiddenSize] });
    }

    // Most bytes of an ONNX file are weights, where a flipped byte only changes a value; aim most mutations at the
    // protobuf structure (keys, lengths, varint values such as dims and data_type, short strings such as names).
    private static byte[] MutateProto(byte[] valid, IReadOnlyList<int> structure, Random random)
    {
        byte[] bytes = (byte[])valid.Clone();
        int at = structure[random.Next(structure.Count)];
        switch (random.Next(6))
        {
            case 0: return bytes[..random.Next(bytes.Length)];                                  // truncated anywhere
            case 1: return bytes[..at];                                                          // truncated at a field
            case 2: bytes[at] = (byte)random.Next(256); return bytes;
            case 3: bytes[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x00; return bytes;    // varint runs on / zero
            case 4: bytes[at] = (byte)(bytes[at] + (random.Next(2) == 0 ? 1 : -1)); return bytes; // off by one
            default: return JsonMutator.ByteMutation(valid, random);                             // anywhere
        }
    }
}
