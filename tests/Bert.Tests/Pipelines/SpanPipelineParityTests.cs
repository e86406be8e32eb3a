using Bert.Pipelines;
using Bert.Synthetic;
using Bert.Tests.Model;
using Bert.Tokenization;

namespace Bert.Tests.Pipelines;

/// <summary>
/// <see cref="BertModel.ExtractEntities(string, TokenClassificationOptions?)"/> and
/// <see cref="BertModel.AnswerQuestion"/> on synthetic checkpoints against <see cref="HfPipelineReference"/> applied to
/// ONNX Runtime's logits on the same weights and the same token windows.
/// </summary>
public sealed class SpanPipelineParityTests : IClassFixture<SpanPipelineParityTests.Checkpoints>
{
    // Our logits vs ORT's differ by ≤ 1e-5 on the tiny model (OnnxParityTests); probabilities are 1-Lipschitz in the
    // logits per coordinate up to a factor 2, and products of two probabilities stay within 2·2e-5. 1e-4 leaves margin.
    private const double ScoreTolerance = 1e-4;

    private static readonly string[] Labels = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "MISC"];

    private static readonly string[] Texts =
    [
        "alice and bob went to paris, then to the big city of new york.",
        "the quick brown fox jumps over the lazy dog near zurich and geneva!",
        "price: 5€ for xylophones; kwyjibo said so.",   // "5€" is [UNK]; unknown words split into letters
        "a",
    ];

    private readonly Checkpoints _c;

    public SpanPipelineParityTests(Checkpoints c) => _c = c;

    public static TheoryData<AggregationStrategy> Strategies => new(Enum.GetValues<AggregationStrategy>());

    [Theory]
    [MemberData(nameof(Strategies))]
    public void EntitiesMatchHfRulesOnOnnxLogits(AggregationStrategy strategy)
    {
        foreach (string text in Texts)
            foreach (string[]? ignore in new[] { null, Array.Empty<string>() })
            {
                var options = new TokenClassificationOptions { AggregationStrategy = strategy, IgnoreLabels = ignore ?? ["O"] };
                var actual = _c.Ner.ExtractEntities(text, options);
                var windows = new[] { _c.Ner.Tokenizer!.Encode(text, maxLength: _c.Ner.MaxTextTokens) };
                AssertEntities(ReferenceEntities(text, windows, strategy, ignore), actual);
            }
    }

    [Theory]
    [InlineData(AggregationStrategy.Simple)]
    [InlineData(AggregationStrategy.First)]
    [InlineData(AggregationStrategy.Average)]
    [InlineData(AggregationStrategy.Max)]
    public void StrideWindowsMatchHfOverlapMerge(AggregationStrategy strategy)
    {
        string text = string.Join(" ", Texts[..3]);
        var options = new TokenClassificationOptions { AggregationStrategy = strategy, IgnoreLabels = [], Stride = 3, MaxLength = 12 };
        var windows = _c.Ner.Tokenizer!.EncodeWithOverflow(text, stride: 3, maxLength: 12);
        Assert.True(windows.Count > 3);
        AssertEntities(ReferenceEntities(text, windows, strategy, []), _c.Ner.ExtractEntities(text, options));
    }

    [Fact]
    public void ManyTextsGiveWhatEachGivesAlone()
    {
        var options = new TokenClassificationOptions { AggregationStrategy = AggregationStrategy.Average };
        var batch = _c.Ner.ExtractEntities(Texts, options);
        // A packed batch runs the dense layers over more rows than one text alone, so float summation order may differ
        // (the packed-vs-alone bound is 1e-5 on outputs): same entities, scores within 1e-5.
        for (int i = 0; i < Texts.Length; i++)
        {
            var alone = _c.Ner.ExtractEntities(Texts[i], options);
            Assert.Equal(alone.Select(e => (e.Label, e.Word, e.Start, e.End, e.Index)), batch[i].Select(e => (e.Label, e.Word, e.Start, e.End, e.Index)));
            for (int j = 0; j < alone.Count; j++) Assert.Equal(alone[j].Score, batch[i][j].Score, 1e-5);
        }
    }

    public static TheoryData<int, bool, int, bool, int?> QaCases => new()
    {
        // topK, impossible, maxAnswerLength, alignToWords, maxSequenceLength (null = default 128 here: one window)
        { 1, false, 15, true, null },
        { 5, true, 15, true, null },
        { 3, false, 2, false, null },
        { 1, true, 15, true, 24 },
        { 4, true, 3, true, 20 },
        { 4, false, 30, false, 20 },
    };

    [Theory]
    [MemberData(nameof(QaCases))]
    public void AnswersMatchHfRulesOnOnnxLogits(int topK, bool impossible, int maxAnswerLength, bool align, int? maxSeq)
    {
        const string question = "where did the dog run?";
        const string context = "the cat sat on the mat while the dog ran in the park, far from zurich. xylophones were played loudly.";
        var options = new QuestionAnsweringOptions
        {
            TopK = topK, HandleImpossibleAnswer = impossible, MaxAnswerLength = maxAnswerLength, AlignToWords = align,
            MaxSequenceLength = maxSeq, DocStride = maxSeq is null ? null : 5,
        };
        var tok = _c.Qa.Tokenizer!;
        var windows = tok.EncodeWithOverflow(question, context, maxSeq is null ? 64 : 5, TruncationStrategy.OnlySecond, maxSeq ?? 128);
        Assert.Equal(maxSeq is null, windows.Count == 1);
        var features = windows.Select(e =>
        {
            var o = _c.QaOnnx.Run(e.Ids, e.TypeIds, e.AttentionMask, 1, e.Count);
            return new HfPipelineReference.Feature(o["start_logits"], o["end_logits"], e.Ids,
                [.. e.SequenceIds.Select(s => s < 0 ? (int?)null : s)], e.Offsets, [.. e.WordIds.Select(w => w < 0 ? (int?)null : w)]);
        }).ToList();
        var expected = HfPipelineReference.QuestionAnswering(context, features, tok.ClsTokenId, topK, impossible, maxAnswerLength, align);
        var actual = _c.Qa.AnswerQuestion(question, context, options);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].Text, expected[i].Start, expected[i].End), (actual[i].Answer, actual[i].Start, actual[i].End));
            Assert.True(Math.Abs(expected[i].Score - actual[i].Score) <= ScoreTolerance, $"answer {i}: {expected[i].Score} vs {actual[i].Score}");
        }
    }

    [Fact]
    public void ManyPairsGiveWhatEachGivesAlone()
    {
        (string, string)[] pairs = [("who sat?", "the cat sat on the mat."), ("what ran?", string.Join(" ", Texts)), ("a", "b")];
        var options = new QuestionAnsweringOptions { TopK = 2, MaxSequenceLength = 24, DocStride = 4, HandleImpossibleAnswer = true };
        var batch = _c.Qa.AnswerQuestions(pairs, options);
        // As above: same answers, scores within 1e-5 (packed batches may sum in another order than one pair alone).
        for (int i = 0; i < pairs.Length; i++)
        {
            var alone = _c.Qa.AnswerQuestion(pairs[i].Item1, pairs[i].Item2, options);
            Assert.Equal(alone.Select(a => (a.Answer, a.Start, a.End)), batch[i].Select(a => (a.Answer, a.Start, a.End)));
            for (int j = 0; j < alone.Count; j++) Assert.Equal(alone[j].Score, batch[i][j].Score, 1e-5);
        }
    }

    private List<HfPipelineReference.Entity> ReferenceEntities(string text, IReadOnlyList<BertEncoding> windows, AggregationStrategy strategy, string[]? ignore)
    {
        var tok = _c.Ner.Tokenizer!;
        var chunks = windows.Select(e => new HfPipelineReference.Chunk(e.Ids,
            _c.NerOnnx.Run(e.Ids, e.TypeIds, e.AttentionMask, 1, e.Count)["logits"], e.Offsets, e.SpecialTokensMask)).ToList();
        return HfPipelineReference.TokenClassification(text, chunks, Labels, strategy.ToString().ToLowerInvariant(), ignore,
            id => tok.Vocabulary.GetToken(id)!, tok.UnkTokenId);
    }

    private static void AssertEntities(List<HfPipelineReference.Entity> expected, IReadOnlyList<TokenClassificationEntity> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.Equal((e.EntityName ?? e.EntityGroup, e.Word, e.Start, e.End, e.Index), (a.Label, a.Word, a.Start, a.End, a.Index));
            Assert.True(Math.Abs(e.Score - a.Score) <= ScoreTolerance, $"entity {i}: {e.Score} vs {a.Score}");
        }
    }

    /// <summary>One NER and one QA checkpoint with ONNX graphs, made once for the class.</summary>
    public sealed class Checkpoints : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-spans-" + Guid.NewGuid().ToString("N"));

        public Checkpoints()
        {
            var ner = SyntheticCheckpoint.Create(Path.Combine(_root, "ner"), new SyntheticOptions
            {
                Head = SyntheticHead.TokenClassification, NumLabels = Labels.Length, LabelNames = Labels, WriteOnnx = true, Seed = 31,
                BiasStd = 0.5,   // label biases of O(1) so every label wins somewhere
            });
            Ner = BertModel.Load(ner.Folder);
            NerOnnx = new OnnxReference(ner.OnnxPath!);
            var qa = SyntheticCheckpoint.Create(Path.Combine(_root, "qa"), new SyntheticOptions { Head = SyntheticHead.QuestionAnswering, WriteOnnx = true, Seed = 37 });
            Qa = BertModel.Load(qa.Folder);
            QaOnnx = new OnnxReference(qa.OnnxPath!);
        }

        public BertModel Ner { get; }
        internal OnnxReference NerOnnx { get; }
        public BertModel Qa { get; }
        internal OnnxReference QaOnnx { get; }

        public void Dispose()
        {
            Ner.Dispose();
            Qa.Dispose();
            NerOnnx.Dispose();
            QaOnnx.Dispose();
            if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        }
    }
}
