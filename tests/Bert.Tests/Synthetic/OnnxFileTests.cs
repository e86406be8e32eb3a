using System.Runtime.InteropServices;
using System.Text;
using Bert.Loading;
using Bert.Synthetic;

namespace Bert.Tests.Synthetic;

// model.onnx decoded with a protobuf reader written here (wire format + onnx.proto field numbers), independent of the writer.
public sealed class OnnxFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("synth-onnxfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(SafeTensorDType.F32)]
    [InlineData(SafeTensorDType.BF16)]
    public void ModelHeaderAndWeightsAreExactlyTheCheckpoints(SafeTensorDType dtype)
    {
        var options = new SyntheticOptions { Head = SyntheticHead.PreTraining, DType = dtype, WriteOnnx = true };
        var checkpoint = SyntheticCheckpoint.Create(_dir, options);
        var model = Fields(File.ReadAllBytes(checkpoint.OnnxPath!));
        Assert.Equal(8UL, model.Single(f => f.Number == 1).Varint);                        // ir_version
        var opset = Fields(model.Single(f => f.Number == 8).Bytes);                       // OperatorSetIdProto
        Assert.Equal(17UL, opset.Single(f => f.Number == 2).Varint);
        Assert.DoesNotContain(opset, f => f.Number == 1 && f.Bytes.Length > 0);             // default domain ""

        var graph = Fields(model.Single(f => f.Number == 7).Bytes);
        string NameOf(Field message) => Encoding.UTF8.GetString(Fields(message.Bytes).Single(f => f.Number == 1).Bytes);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], graph.Where(f => f.Number == 11).Select(NameOf));
        Assert.Equal(["prediction_logits", "seq_relationship_logits"], graph.Where(f => f.Number == 12).Select(NameOf));

        int weights = 0;
        foreach (var initializer in graph.Where(f => f.Number == 5).Select(f => Fields(f.Bytes)))
        {
            string name = Encoding.UTF8.GetString(initializer.Single(f => f.Number == 8).Bytes);
            if (name.StartsWith("const_", StringComparison.Ordinal)) continue;
            Assert.Equal(1UL, initializer.Single(f => f.Number == 2).Varint);              // FLOAT
            var raw = MemoryMarshal.Cast<byte, float>(initializer.Single(f => f.Number == 9).Bytes);
            Assert.Equal(SyntheticCheckpoint.GenerateTensor(options, name), raw.ToArray());  // bit-exact, widened values
            weights++;
        }
        // Every stored tensor is used by the graph (the tied decoder is the word-embedding initializer).
        Assert.Equal(checkpoint.TensorNames.Count, weights);
    }

    private sealed record Field(int Number, ulong Varint, byte[] Bytes);

    private static List<Field> Fields(byte[] message)
    {
        var fields = new List<Field>();
        int at = 0;
        while (at < message.Length)
        {
            ulong key = ReadVarint(message, ref at);
            int number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0: fields.Add(new Field(number, ReadVarint(message, ref at), [])); break;
                case 2:
                    int length = checked((int)ReadVarint(message, ref at));
                    fields.Add(new Field(number, 0, message[at..(at + length)]));
                    at += length;
                    break;
                case 5: fields.Add(new Field(number, 0, message[at..(at + 4)])); at += 4; break;
                default: throw new FormatException($"Unexpected wire type {key & 7}.");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }
}
