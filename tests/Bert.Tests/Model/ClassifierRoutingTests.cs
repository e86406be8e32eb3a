using Bert.Model;

namespace Bert.Tests.Model;

/// <summary>What the shared tensor name "classifier" means, by config.json architectures and the weights present.</summary>
public class ClassifierRoutingTests
{
    [Theory]
    [InlineData("BertForSequenceClassification", true, 1)]
    [InlineData("BertForSequenceClassification", false, 0)]                            // no pooler: cannot classify sequences
    [InlineData("BertForTokenClassification", true, 2)]                               // the bug: pooler present, still tokens only
    [InlineData("BertForTokenClassification", false, 2)]
    [InlineData("", true, 3)]                               // unknown class: what the weights allow
    [InlineData("", false, 2)]
    [InlineData("BertModel", true, 3)]
    public void ArchitectureDecidesAndWeightsBound(string architecture, bool pooler, int expected) // 1 = Sequence, 2 = Token
    {
        string[] architectures = architecture.Length == 0 ? [] : [architecture];
        Assert.Equal((ClassifierUse)expected, ClassifierRouting.Decide(architectures, pooler, hasClassifier: true));
        Assert.Equal(ClassifierUse.None, ClassifierRouting.Decide(architectures, pooler, hasClassifier: false));
    }
}
