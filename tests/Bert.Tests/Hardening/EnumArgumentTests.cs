using Bert.Evaluation;
using Bert.Pipelines;
using Bert.SentenceTransformers;
using Bert.Synthetic;
using Bert.Tests.Loading;
using Bert.Tokenization;

namespace Bert.Tests.Hardening;

/// <summary>Enum arguments outside their defined values are <see cref="ArgumentOutOfRangeException"/> at every public
/// entry that takes one (issue 12); a head the checkpoint lacks is <see cref="InvalidOperationException"/>.</summary>
public sealed class EnumArgumentTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly BertModel _model;

    public EnumArgumentTests()
    {
        string folder = _temp.Folder("seq");
        SyntheticCheckpoint.Create(folder, new SyntheticOptions { Head = SyntheticHead.SequenceClassification });
        _model = BertModel.Load(folder);
    }

    public void Dispose()
    {
        _model.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Out_of_range_enums_are_ArgumentOutOfRangeException()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _model.Tokenizer!.Encode("hi", null, truncation: (TruncationStrategy)42));
        Assert.Throws<ArgumentOutOfRangeException>(() => _model.Tokenizer!.Encode("hi", null, padding: (PaddingStrategy)42));
        Assert.Throws<ArgumentOutOfRangeException>(() => _model.Classify("hi", new TextClassificationOptions { Truncation = (TruncationStrategy)42 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _model.Classify("hi", new TextClassificationOptions { FunctionToApply = (ClassificationFunction)42 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _model.Rerank("q", ["d"], new RerankOptions { Activation = (ClassificationFunction)42 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _model.Encode("hi", (BertPooling)(1 << 10)));   // a bit naming no mode
        Assert.ThrowsAny<ArgumentException>(() => _model.Encode("hi", (BertPooling)99));             // Pooler combined with others
        Assert.Throws<ArgumentOutOfRangeException>(() => Similarity.Compute([1f], [1f], (SimilarityFunction)42));
        Assert.Throws<ArgumentOutOfRangeException>(() => EntityMetrics.Extract(["O"], (EntityMode)42));
        Assert.Throws<ArgumentOutOfRangeException>(() => BertModel.Load(_temp.Folder("seq"), new BertLoadOptions { WeightType = (BertWeightType)42 }));
    }

    [Fact]
    public void Token_task_on_a_sequence_classifier_is_InvalidOperationException()
    {
        var e = _model.Tokenizer!.Encode("hello world", null);
        Assert.Throws<InvalidOperationException>(() => _model.Forward(new BertInput(e), new BertOutputs { TokenClassificationLogits = new float[e.Ids.Length * 2] }));
        Assert.Throws<InvalidOperationException>(() => _model.ExtractEntities("hello world"));
        Assert.Throws<InvalidOperationException>(() => _model.AnswerQuestion("who?", "hello world"));
        Assert.Throws<InvalidOperationException>(() => _model.FillMask("hello [MASK]"));
    }
}
