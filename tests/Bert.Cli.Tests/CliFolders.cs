using Bert.Synthetic;

namespace Bert.Cli.Tests;

/// <summary>Synthetic checkpoints shared by the CLI tests (tiny: 2 layers, hidden 64), made once per test run.</summary>
public sealed class CliFolders : IDisposable
{
    public CliFolders()
    {
        SyntheticCheckpoint.Create(Model, new SyntheticOptions());
        SyntheticCheckpoint.Create(MaskedLM, new SyntheticOptions { Head = SyntheticHead.MaskedLM });
        SyntheticCheckpoint.Create(Classifier, new SyntheticOptions { Head = SyntheticHead.SequenceClassification, NumLabels = 3 });
        SyntheticCheckpoint.Create(CrossEncoder, new SyntheticOptions { Head = SyntheticHead.SequenceClassification, NumLabels = 1 });
        SyntheticCheckpoint.Create(TokenClassifier, new SyntheticOptions
            { Head = SyntheticHead.TokenClassification, NumLabels = 3, LabelNames = ["O", "B-PER", "I-PER"] });
        SyntheticCheckpoint.Create(QuestionAnswering, new SyntheticOptions { Head = SyntheticHead.QuestionAnswering });
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "bert-cli-" + Guid.NewGuid().ToString("N"));

    public string Model => Path.Combine(Root, "model");

    public string MaskedLM => Path.Combine(Root, "mlm");

    public string Classifier => Path.Combine(Root, "seqcls");

    public string CrossEncoder => Path.Combine(Root, "cross");

    public string TokenClassifier => Path.Combine(Root, "tokcls");

    public string QuestionAnswering => Path.Combine(Root, "qa");

    public string File(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
