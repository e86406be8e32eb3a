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
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "bert-cli-" + Guid.NewGuid().ToString("N"));

    public string Model => Path.Combine(Root, "model");

    public string MaskedLM => Path.Combine(Root, "mlm");

    public string Classifier => Path.Combine(Root, "seqcls");

    public string File(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
