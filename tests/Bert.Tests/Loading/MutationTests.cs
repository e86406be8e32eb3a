using Bert.Loading;

namespace Bert.Tests.Loading;

/// <summary>Random damage to a valid checkpoint: opening and reading everything may succeed or throw BertFormatException, nothing else.</summary>
public sealed class MutationTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static byte[] ValidFile()
    {
        var halves = Enumerable.Range(0, 24).Select(i => (ushort)(0x3C00 + i)).ToArray();
        return new SafeTensorsBytes { Metadata = new() { ["format"] = "pt" } }
            .F32("bert.embeddings.word_embeddings.weight", [6, 4], Enumerable.Range(0, 24).Select(i => i * 0.5f).ToArray())
            .F16("bert.encoder.layer.0.attention.output.LayerNorm.gamma", [4], halves[..4])
            .BF16("cls.predictions.bias", [6], halves[..6])
            .Add("bert.embeddings.position_ids", "I64", [1, 2], new byte[16])
            .ToBytes();
    }

    [Fact]
    public void DamagedFilesOnlyEverRaiseBertFormatException()
    {
        byte[] valid = ValidFile();
        int headerEnd = 8 + (int)BitConverter.ToUInt64(valid);
        var random = new Random(20261123);
        string folder = _temp.Folder("m");
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"vocab_size": 6, "hidden_size": 4, "num_attention_heads": 2}""");
        string path = Path.Combine(folder, "model.safetensors");
        int failures = 0, successes = 0;
        for (int trial = 0; trial < 600; trial++)
        {
            byte[] bytes = Mutate(valid, headerEnd, random);
            File.WriteAllBytes(path, bytes);
            try
            {
                ReadEverything(folder);
                successes++;
            }
            catch (BertFormatException)
            {
                failures++;
            }
            catch (Exception e)
            {
                Assert.Fail($"trial {trial}: {e.GetType().Name}: {e.Message}\nbytes: {Convert.ToHexString(bytes)}");
            }
        }
        // Both outcomes must occur, or the mutations are not exercising anything.
        Assert.True(failures > 50 && successes > 10, $"{failures} failures, {successes} successes");
    }

    private static byte[] Mutate(byte[] valid, int headerEnd, Random random)
    {
        byte[] bytes = (byte[])valid.Clone();
        switch (random.Next(6))
        {
            case 0: return bytes[..random.Next(bytes.Length)];                                // truncate
            case 1: bytes[random.Next(8)] = (byte)random.Next(256); return bytes;              // header length
            case 2: bytes[8 + random.Next(headerEnd - 8)] ^= (byte)(1 << random.Next(8)); return bytes; // header bit flip
            case 3:
                // Overwrite a header byte with a JSON-significant character, which tends to keep the JSON valid-ish.
                bytes[8 + random.Next(headerEnd - 8)] = (byte)"0123456789-[],{}\" eE."[random.Next(21)];
                return bytes;
            case 4:
                // Change one digit of the header: offsets and shapes stay valid JSON but stop agreeing.
                int[] digits = Enumerable.Range(8, headerEnd - 8).Where(i => char.IsAsciiDigit((char)bytes[i])).ToArray();
                bytes[digits[random.Next(digits.Length)]] = (byte)('0' + random.Next(10));
                return bytes;
            default:
                for (int k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                return bytes;
        }
    }

    private static void ReadEverything(string folder)
    {
        using var checkpoint = BertCheckpoint.Open(folder);
        foreach (var tensor in checkpoint.Tensors)
        {
            if (tensor.FloatType is null) continue;
            int[] shape = tensor.Shape.Select(d => d > int.MaxValue ? -1 : (int)d).ToArray();
            float sum = 0;
            foreach (float v in checkpoint.Weights.Get(tensor.Name, shape).Span) sum += v; // touch every element
        }
        checkpoint.Weights.Get("embeddings.word_embeddings.weight", [6, 4]);
        checkpoint.Weights.Get("encoder.layer.0.attention.output.LayerNorm.weight", [4]);
        checkpoint.Weights.Get("cls.predictions.bias", [6]);
    }
}
