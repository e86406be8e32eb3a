using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bert.Cli.Tests;

/// <summary><c>bert encode</c> end to end: the vectors it prints are the library's, in input order, in every format.</summary>
public sealed class EncodeCommandTests(CliFolders folders) : IClassFixture<CliFolders>
{
    private static readonly string[] Texts = ["a short one", "and a considerably longer second text, to get padding", "third"];

    private float[][] Reference()
    {
        using var model = BertModel.Load(folders.Model);
        return [.. Texts.Select(t => model.Encode(t))];
    }

    private static float[][] ParseJsonLines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .OrderBy(e => e.GetProperty("index").GetInt32())
            .Select(e => e.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle()).ToArray())];

    // The CLI batches texts (padded to the longest of a batch) where Reference() runs each alone: the padded rows are
    // masked out, but GEMM blocking over a different row count may round differently. 1e-5 absolute on O(1) values.
    private static void AssertClose(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++) Assert.Equal(expected[i][j], actual[i][j], 1e-5);
        }
    }

    [Fact]
    public void Json_lines_from_arguments_match_the_library_in_input_order()
    {
        var r = BertTool.Run(["encode", "--model", folders.Model, "--json", .. Texts]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(3, r.Lines.Length);
        Assert.Equal(Texts, r.Lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()));
        AssertClose(Reference(), ParseJsonLines(r.Stdout));
    }

    [Fact]
    public void Stdin_and_input_file_give_the_same_vectors_as_arguments()
    {
        string file = folders.File("texts.txt");
        File.WriteAllText(file, string.Join("\n", Texts) + "\n\n");
        var fromFile = BertTool.Run("encode", "-m", folders.Model, "--json", "--input", file);
        var fromStdin = BertTool.Run(["encode", "-m", folders.Model, "--json"], stdin: string.Join("\n", Texts));
        Assert.True(fromFile.ExitCode == 0, fromFile.Stderr);
        Assert.True(fromStdin.ExitCode == 0, fromStdin.Stderr);
        AssertClose(Reference(), ParseJsonLines(fromFile.Stdout));
        AssertClose(Reference(), ParseJsonLines(fromStdin.Stdout));
    }

    [Fact]
    public void Npy_output_is_a_float32_matrix_numpy_can_read()
    {
        string path = folders.File("vectors.npy");
        var r = BertTool.Run(["encode", "-m", folders.Model, "-o", path, .. Texts]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        byte[] bytes = File.ReadAllBytes(path);
        // NPY 1.0: \x93NUMPY, version 1.0, uint16 LE header length, header dict padded so data starts at a multiple of 64.
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], bytes[..8]);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 64), }", header.TrimEnd());
        Assert.EndsWith("\n", header);
        var data = bytes.AsSpan(10 + headerLength);
        Assert.Equal(3 * 64 * 4, data.Length);
        var rows = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 64)
            .Select(j => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(10 + headerLength + (i * 64 + j) * 4))).ToArray()).ToArray();
        AssertClose(Reference(), rows);
    }

    [Fact]
    public void Tsv_has_one_row_per_text_and_normalize_gives_unit_vectors()
    {
        var r = BertTool.Run(["encode", "-m", folders.Model, "--format", "tsv", "--normalize", .. Texts]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(3, r.Lines.Length);
        foreach (var line in r.Lines)
        {
            var values = line.Split('\t').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(64, values.Length);
            Assert.Equal(1.0, Math.Sqrt(values.Sum(v => v * v)), 1e-5);   // float32 rounding of 64 components
        }
    }

    [Fact]
    public void Human_output_names_each_text_and_the_dimension()
    {
        var r = BertTool.Run("encode", "-m", folders.Model, "hello");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("0: \"hello\"", r.Stdout);
        Assert.Contains("dim 64", r.Stdout);
    }
}
