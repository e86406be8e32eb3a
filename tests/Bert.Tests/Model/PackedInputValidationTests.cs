using Bert.Model;

namespace Bert.Tests.Model;

/// <summary>Bad packed input fails up front with an <see cref="ArgumentException"/> naming the field, and leaves the model usable.</summary>
public class PackedInputValidationTests
{
    private static readonly RandomCheckpoint Checkpoint = new(RandomCheckpoint.TinyConfig(labels: 3), seed: 51, classifier: true);

    public static TheoryData<int[], int[], int[], string> BadInputs() => new()
    {
        // ids, typeIds, cu, field
        { [1, 2, 3], [], [], "CumulativeSequenceLengths" },           // no boundaries
        { [1, 2, 3], [], [0], "CumulativeSequenceLengths" },          // one boundary: no sequence
        { [1, 2, 3], [], [1, 3], "CumulativeSequenceLengths" },       // does not start at 0
        { [1, 2, 3], [], [0, 2, 2, 3], "CumulativeSequenceLengths" }, // empty sequence
        { [1, 2, 3], [], [0, 2, 1, 3], "CumulativeSequenceLengths" }, // decreasing
        { [1, 2, 3], [], [0, 2], "CumulativeSequenceLengths" },       // ends before the last id
        { [1, 2, 3], [], [0, 2, 4], "CumulativeSequenceLengths" },    // ends after the last id
        { new int[25], [], [0, 25], "CumulativeSequenceLengths" },    // longer than max_position_embeddings (24)
        { [1, 2, 50], [], [0, 3], "Ids" },                            // id = vocab_size
        { [1, -1, 3], [], [0, 3], "Ids" },
        { [1, 2, 3], [0, 2, 0], [0, 3], "TypeIds" },                  // type id = type_vocab_size
        { [1, 2, 3], [0, 1], [0, 3], "TypeIds" },                     // wrong length
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputThrowsNamingTheField(int[] ids, int[] typeIds, int[] cu, string field)
    {
        using var model = BertModel.FromWeights(Checkpoint.Config, Checkpoint);
        var hidden = new float[Math.Max(1, ids.Length) * Checkpoint.Config.HiddenSize];
        var ex = Assert.ThrowsAny<ArgumentException>(() => model.Forward(new BertPackedInput(ids, typeIds, cu), new BertOutputs { LastHiddenState = hidden }));
        Assert.Equal(field, ex.ParamName);
        // Still usable afterwards.
        model.Forward(new BertPackedInput([1, 2, 3], default, [0, 1, 3]), new BertOutputs { LastHiddenState = new float[3 * Checkpoint.Config.HiddenSize] });
    }

    [Fact]
    public void OutputLengthsFollowTokensAndSequences()
    {
        using var model = BertModel.FromWeights(Checkpoint.Config, Checkpoint);
        int h = Checkpoint.Config.HiddenSize;
        var input = () => new BertPackedInput([1, 2, 3, 4, 5], default, [0, 2, 5]);
        // Token outputs have T = 5 rows, sequence outputs B = 2.
        Assert.Equal("LastHiddenState", Assert.Throws<ArgumentException>(() => model.Forward(input(), new BertOutputs { LastHiddenState = new float[2 * h] })).ParamName);
        Assert.Equal("PoolerOutput", Assert.Throws<ArgumentException>(() => model.Forward(input(), new BertOutputs { PoolerOutput = new float[5 * h] })).ParamName);
        Assert.Equal("TokenClassificationLogits", Assert.Throws<ArgumentException>(() => model.Forward(input(), new BertOutputs { TokenClassificationLogits = new float[2 * 3] })).ParamName);
        Assert.Throws<InvalidOperationException>(() => model.Forward(input(), new BertOutputs { StartLogits = new float[5] }));
        model.Forward(input(), new BertOutputs { LastHiddenState = new float[5 * h], PoolerOutput = new float[2 * h], SequenceClassificationLogits = new float[2 * 3] });
    }
}
