using BenchmarkDotNet.Attributes;
using Bert.Pipelines;
using Bert.Synthetic;

namespace Bert.Benchmarks;

/// <summary>
/// Extractive QA on a synthetic 4-layer, H 256 checkpoint: 16 (question, context) pairs whose contexts need 2–3 windows of
/// 128 tokens, answered in one <see cref="BertModel.AnswerQuestions"/> call (every window packed into token-budget
/// batches) vs 16 <see cref="BertModel.AnswerQuestion"/> calls. Same answers either way (tests check that); the ratio is
/// what packing buys the pipeline.
/// </summary>
[MemoryDiagnoser]
public class SpanPipelineBenchmarks
{
    private string _folder = "";
    private BertModel _model = null!;
    private (string Question, string Context)[] _pairs = [];
    private readonly QuestionAnsweringOptions _options = new() { MaxSequenceLength = 128, DocStride = 32, TopK = 3 };

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "bert-bench-qa-" + Environment.ProcessId);
        var config = SyntheticPresets.Tiny with { HiddenSize = 256, NumHiddenLayers = 4, NumAttentionHeads = 4, IntermediateSize = 1024, VocabSize = 4096, MaxPositionEmbeddings = 512 };
        var checkpoint = SyntheticCheckpoint.Create(_folder, new SyntheticOptions { Config = config, Head = SyntheticHead.QuestionAnswering, Seed = 7 });
        _model = BertModel.Load(checkpoint.Folder);
        string[] words = ["the", "cat", "sat", "on", "mat", "while", "dog", "ran", "in", "park", "far", "from", "city", "river", "old", "bridge"];
        var random = new Random(11);
        _pairs = [.. Enumerable.Range(0, 16).Select(i => (
            $"where did the {words[i % words.Length]} go?",
            string.Join(" ", Enumerable.Range(0, 180 + 8 * i).Select(_ => words[random.Next(words.Length)]))))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public int OneCallPerPair()
    {
        int n = 0;
        foreach (var (q, c) in _pairs) n += _model.AnswerQuestion(q, c, _options).Count;
        return n;
    }

    [Benchmark]
    public int OneCallForAllPairs() => _model.AnswerQuestions(_pairs, _options).Sum(a => a.Count);
}
