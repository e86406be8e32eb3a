using Bert.Loading;

namespace Bert.Tests.Loading;

/// <summary>config.json keys the task pipelines read: problem_type, num_labels, and sentence-transformers' cross-encoder activation.</summary>
public class TaskConfigKeysTests
{
    [Fact]
    public void ProblemTypeIsReadAndValidated()
    {
        Assert.Null(BertConfigReader.Parse("{}").ProblemType);
        Assert.Equal("regression", BertConfigReader.Parse("""{"problem_type": "regression"}""").ProblemType);
        Assert.Null(BertConfigReader.Parse("""{"problem_type": null}""").ProblemType);
        var error = Assert.Throws<BertFormatException>(() => BertConfigReader.Parse("""{"problem_type": "ranking"}"""));
        Assert.Contains("problem_type", error.Message);
    }

    [Fact]
    public void NumLabelsNamesClassesOnlyWithoutId2Label()
    {
        // HF: PretrainedConfig(num_labels=n) makes id2label {i: "LABEL_i"}; an explicit id2label wins.
        var config = BertConfigReader.Parse("""{"num_labels": 1}""");
        Assert.Equal(new Dictionary<int, string> { [0] = "LABEL_0" }, config.Id2Label);
        var named = BertConfigReader.Parse("""{"num_labels": 3, "id2label": {"0": "a", "1": "b"}}""");
        Assert.Equal(2, named.Id2Label.Count);
        Assert.Contains("num_labels", Assert.Throws<BertFormatException>(() => BertConfigReader.Parse("""{"num_labels": -1}""")).Message);
    }

    [Fact]
    public void CrossEncoderActivationComesFromEitherSentenceTransformersKey()
    {
        Assert.Null(BertConfigReader.Parse("{}").CrossEncoderActivationFunction);
        Assert.Equal("torch.nn.modules.linear.Identity",
            BertConfigReader.Parse("""{"sentence_transformers": {"activation_fn": "torch.nn.modules.linear.Identity", "version": "4.0.1"}}""").CrossEncoderActivationFunction);
        Assert.Equal("torch.nn.modules.activation.Sigmoid",
            BertConfigReader.Parse("""{"sbert_ce_default_activation_function": "torch.nn.modules.activation.Sigmoid"}""").CrossEncoderActivationFunction);
        Assert.Throws<BertFormatException>(() => BertConfigReader.Parse("""{"sentence_transformers": {"activation_fn": 3}}"""));
    }
}
