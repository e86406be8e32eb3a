using Bert.Synthetic;

namespace Bert.Server.Tests;

/// <summary>Tiny synthetic checkpoints (H 64, 2 layers, vocab 512, 128 positions) written once per test run to a temp folder.</summary>
public sealed class Checkpoints : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-server-tests-" + Guid.NewGuid().ToString("N"));

    public Checkpoints()
    {
        Encoder = Write("encoder", new SyntheticOptions { Head = SyntheticHead.BertModel, Seed = 3 });
        Classifier = Write("classifier", new SyntheticOptions { Head = SyntheticHead.SequenceClassification, NumLabels = 3, LabelNames = ["neg", "neu", "pos"], Seed = 4 });
        CrossEncoder = Write("cross-encoder", new SyntheticOptions { Head = SyntheticHead.SequenceClassification, NumLabels = 1, Seed = 5 });
        MaskedLM = Write("mlm", new SyntheticOptions { Head = SyntheticHead.MaskedLM, Seed = 6 });
        TokenClassifier = Write("ner", new SyntheticOptions { Head = SyntheticHead.TokenClassification, NumLabels = 5, LabelNames = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"], Seed = 7 });
        QuestionAnswering = Write("qa", new SyntheticOptions { Head = SyntheticHead.QuestionAnswering, Seed = 8 });
    }

    /// <summary>BertModel (encoder + pooler).</summary>
    public string Encoder { get; }

    /// <summary>BertForSequenceClassification with labels neg/neu/pos.</summary>
    public string Classifier { get; }

    /// <summary>BertForSequenceClassification with one label (a cross-encoder).</summary>
    public string CrossEncoder { get; }

    /// <summary>BertForMaskedLM.</summary>
    public string MaskedLM { get; }

    /// <summary>BertForTokenClassification with labels O, B-PER, I-PER, B-LOC, I-LOC.</summary>
    public string TokenClassifier { get; }

    /// <summary>BertForQuestionAnswering.</summary>
    public string QuestionAnswering { get; }

    private string Write(string name, SyntheticOptions options) => SyntheticCheckpoint.Create(Path.Combine(_root, name), options).Folder;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<Checkpoints>
{
    public const string Name = "server";
}
