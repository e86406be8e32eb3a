using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Bert.Tokenization;
using MlBertOptions = Microsoft.ML.Tokenizers.BertOptions;
using MlBertTokenizer = Microsoft.ML.Tokenizers.BertTokenizer;
using FastTokenizer = FastBertTokenizer.BertTokenizer;

namespace Bert.Benchmarks;

/// <summary>
/// Single-thread tokenizer throughput on English prose: ours (string API and allocation-free span API) against
/// Microsoft.ML.Tokenizers' BertTokenizer and FastBertTokenizer on the same corpus and vocabulary, uncased with accent
/// stripping. Same job for all three: [CLS] text [SEP] ids (FastBertTokenizer also writes its attention mask, which it
/// cannot skip), no truncation needed (every line is far below 512), and the setup checks that all three give the same
/// ids for every line. Mtokens/s counts the text's tokens without [CLS] and [SEP].
/// <see cref="NonAscii"/> = true rewrites 15 % of the lines with curly quotes, dashes, an ellipsis and accents.
/// Vocabulary: the vocab.txt named by the environment variable BERT_VOCAB (e.g. bert-base-uncased), else one of
/// 30522 tokens generated here (corpus words, letters, "##" pieces, filler). One operation encodes every sentence.
/// Run: dotnet run -c Release --project benchmarks/Bert.Benchmarks -- --filter "*TokenizerBenchmarks*" --job short
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TokensPerSecondConfig))]
public class TokenizerBenchmarks
{
    private string[] _sentences = [];
    private BertTokenizer _ours = null!;
    private MlBertTokenizer _theirs = null!;
    private FastTokenizer _fast = null!;
    // Both write ids into a caller's 512-slot buffer (BERT's maximum length, where both truncate), with [CLS] and [SEP].
    private readonly int[] _buffer = new int[512];
    private readonly long[] _fastIds = new long[512], _fastMask = new long[512];

    /// <summary>Lines per operation (the issue's corpus: 424 short sentences).</summary>
    public const int LineCount = 424;

    /// <summary>Whether ~15 % of the lines carry curly quotes, dashes and accents.</summary>
    [Params(false, true)]
    public bool NonAscii { get; set; }

    /// <summary>Tokens in one pass over the corpus (for the Tokens/s column).</summary>
    public static int TokensPerOperation { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _sentences = NonAscii ? Corpus.WithTypography(Corpus.Sentences(LineCount)) : Corpus.Sentences(LineCount);
        byte[] vocab = Environment.GetEnvironmentVariable("BERT_VOCAB") is { Length: > 0 } path && File.Exists(path)
            ? File.ReadAllBytes(path)
            : Encoding.UTF8.GetBytes(string.Join("\n", Corpus.GeneratedVocabulary(30522)) + "\n");
        _ours = BertTokenizer.FromVocabFile(new MemoryStream(vocab));
        _theirs = MlBertTokenizer.Create(new MemoryStream(vocab), new MlBertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true });
        _fast = new FastTokenizer();
        _fast.LoadVocabulary(new StringReader(Encoding.UTF8.GetString(vocab)), true, "[UNK]", "[CLS]", "[SEP]", "[PAD]", NormalizationForm.FormD);
        TokensPerOperation = CheckSameIds();
    }

    /// <summary>Same job, checked: every line gives the same ids (with [CLS] and [SEP]) from all three. Returns the tokens without them.</summary>
    private int CheckSameIds()
    {
        int tokens = 0;
        foreach (var s in _sentences)
        {
            int n = _ours.EncodeToIds(s, _buffer);
            int fast = _fast.Encode(s, _fastIds, _fastMask, null);
            var ml = _theirs.EncodeToIds(s, addSpecialTokens: true);
            bool same = n == fast && n == ml.Count;
            for (int i = 0; same && i < n; i++) same = _buffer[i] == _fastIds[i] && _buffer[i] == ml[i];
            if (!same) throw new InvalidOperationException($"The tokenizers disagree on: {s}");
            tokens += n - 2;
        }
        return tokens;
    }

    [Benchmark(Baseline = true, Description = "ML.Tokenizers EncodeToIds(span)")]
    public int MlTokenizers()
    {
        int n = 0;
        foreach (var s in _sentences) n += _theirs.EncodeToIds(s.AsSpan(), addSpecialTokens: true).Count;
        return n;
    }

    [Benchmark(Description = "FastBertTokenizer Encode(string, span)")]
    public int FastBert()
    {
        int n = 0;
        foreach (var s in _sentences) n += _fast.Encode(s, _fastIds, _fastMask, null);
        return n;
    }

    [Benchmark(Description = "Bert EncodeToIds(span, buffer)")]
    public int OursSpan()
    {
        int n = 0;
        foreach (var s in _sentences) n += _ours.EncodeToIds(s.AsSpan(), _buffer);
        return n;
    }

    [Benchmark(Description = "Bert Encode(string) with offsets")]
    public int OursString()
    {
        int n = 0;
        foreach (var s in _sentences) n += _ours.Encode(s).Count;
        return n;
    }

    private sealed class TokensPerSecondConfig : ManualConfig
    {
        public TokensPerSecondConfig() => AddColumn(new TokensPerSecondColumn());
    }

    private sealed class TokensPerSecondColumn : IColumn
    {
        public string Id => "TokensPerSecond";
        public string ColumnName => "Mtokens/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Million tokens per second (tokens per operation / mean time)";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var stats = summary[benchmarkCase]?.ResultStatistics;
            if (stats is null) return "n/a";
            if (TokensPerOperation == 0) new TokenizerBenchmarks().Setup();   // the host process did not run the setup
            return (TokensPerOperation / stats.Mean * 1e3).ToString("F1");
        }
    }
}

/// <summary>An English prose corpus (written for this benchmark) and a generated BERT-size vocabulary for it.</summary>
internal static class Corpus
{
    private const string Prose = """
        The committee met on Tuesday morning to review the proposal for a new public library in the centre of town.
        Several members argued that the existing building, which was constructed in 1927, could no longer serve a growing population.
        Others were worried about the cost, estimated at roughly 14 million dollars, and asked whether private donors might contribute.
        After a long discussion, the chair suggested that a smaller working group should study the question and report back in March.
        Meanwhile, researchers at the university published a study showing that children who read every day perform better at school.
        The authors interviewed more than two thousand families across the region and followed the children for nearly six years.
        "We were surprised by how consistent the effect was," said one of the lead investigators, speaking at a press conference.
        Critics pointed out that wealthier households tend to own more books, so the results may partly reflect differences in income.
        Still, the findings were widely reported, and several schools announced plans to extend their reading programmes next autumn.
        In the afternoon, heavy rain caused flooding on the main road, and traffic was diverted through the old industrial district.
        Local shop owners complained that the council had ignored repeated warnings about the drainage system for over a decade.
        A spokesperson for the council replied that repairs had been scheduled, but that funding delays had pushed the work back.
        By evening the water had receded, leaving behind mud, broken branches and a few abandoned cars along the river bank.
        Volunteers gathered near the bridge to help clean the streets, and a bakery offered free coffee to everyone who came.
        The next morning, newspapers carried photographs of the damage alongside interviews with residents who had lost property.
        One elderly man explained that he had lived in the same house for fifty years and had never seen the river rise so quickly.
        Scientists have warned that extreme weather events are becoming more frequent as global temperatures continue to increase.
        Engineers are now designing barriers, pumps and storage tanks that can cope with sudden storms without overwhelming the network.
        However, such projects take years to plan and build, and they often compete with hospitals and schools for limited budgets.
        The debate is likely to continue at the next council meeting, where members will also discuss housing and public transport.
        Tickets for the concert sold out within minutes, although the organisers promised that a second performance would be added.
        The orchestra will play works by composers from the eighteenth and nineteenth centuries, including several rarely heard pieces.
        Visitors are advised to arrive early, to use public transport where possible, and to check the weather forecast before leaving.
        Further information, including accessibility details and a map of the venue, is available from the information desk.
        A new bus line will connect the northern suburbs with the hospital, the railway station and the shopping centre from January.
        The mayor said the decision wasn't easy, but that residents had asked for better connections for more than ten years.
        Farmers in the valley reported that the dry summer had reduced the harvest by almost a third compared with last year.
        "It's the worst season I can remember," said a woman who has grown apples and pears on the same hillside since 1984.
        The regional government promised emergency payments, although many growers doubt that the money will arrive before winter.
        At the museum, a new exhibition explores how maps were drawn, printed and sold in Europe between 1500 and 1800.
        Curators spent two years tracking down rare atlases, some of which had been hidden in private collections for generations.
        Children can try their hand at engraving, and a small workshop shows how copper plates were inked and pressed onto paper.
        The football club confirmed on Friday that its captain will miss the rest of the season after injuring his knee in training.
        Supporters reacted with dismay on social media, while the coach insisted that the squad was strong enough to cope without him.
        Economists expect inflation to fall slowly over the coming months, but warn that energy prices remain difficult to predict.
        The central bank kept interest rates unchanged for the third meeting in a row, citing uncertainty about global trade.
        Several large companies have announced that they will delay hiring until the outlook becomes clearer, according to the survey.
        In a quiet street near the harbour, a family-run restaurant has been serving the same fish soup recipe for over sixty years.
        The owner's grandmother wrote the recipe on a card that still hangs, slightly faded, above the stove in the small kitchen.
        Tourists often queue outside for an hour, and regular customers say it's worth every minute of the wait on a cold evening.
        The city's oldest bridge will close for six weeks in spring while engineers replace the worn stones and repair the railings.
        Cyclists and pedestrians will be able to use a temporary footbridge, but cars must take a detour through the western ring road.
        A survey of 1,200 commuters found that most would switch to the train if services were more frequent and tickets cheaper.
        The report also recommends secure bicycle parking at every station and better lighting on the paths that lead to them.
        Astronomers have discovered a planet orbiting a nearby star that may have the right temperature for liquid water on its surface.
        The planet is about forty light years away, which means that the light we see from its star today left it decades ago.
        Further observations with larger telescopes will be needed to find out whether the planet has an atmosphere at all.
        The school's drama group will perform a new play written by its students, based on interviews with their grandparents.
        Rehearsals have taken place twice a week since September, and the costumes were sewn by a team of parents and teachers.
        All proceeds from the three evening performances will go to a charity that supports young carers in the district.
        Hospital staff say the new emergency department has cut waiting times, although it is still busy on Saturday nights.
        The building has more treatment rooms, a separate area for children and a lounge where families can rest during long waits.
        Nurses welcomed the changes but said that recruiting enough staff remains the biggest challenge for the years ahead.
        The library's reading challenge attracted more than 900 children this summer, twice as many as in the previous year.
        Each child who read six books received a medal and a certificate, presented by a local author at a ceremony in the park.
        Librarians believe the rise was helped by a new mobile library that visited villages without a branch of their own.
        The storm that crossed the coast overnight brought down trees and power lines, leaving thousands of homes without electricity.
        Repair crews worked through the night, and by midday most households had been reconnected, the energy company said.
        Schools in the worst-hit areas stayed closed, and the ferry service to the islands was suspended until the wind dropped.
        A local choir celebrated its fiftieth anniversary with a concert in the cathedral, singing music from every decade since 1975.
        Former members travelled from as far away as Canada and Australia to join the current singers for the final piece.
        The conductor, who has led the choir for twenty-two years, thanked the audience and announced that she would retire in June.
        Researchers are testing whether small sensors attached to bridges can warn engineers about cracks before they become dangerous.
        The sensors measure tiny vibrations caused by traffic and wind, and send the data to a computer that looks for unusual patterns.
        """;

    /// <summary><paramref name="count"/> sentences drawn in a fixed pseudo-random order from the prose.</summary>
    public static string[] Sentences(int count)
    {
        var lines = Prose.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var rng = new Random(42);
        return Enumerable.Range(0, count).Select(_ => lines[rng.Next(lines.Length)]).ToArray();
    }

    /// <summary>Three lines in twenty (15 %) with typographic quotes and apostrophes, em dashes, an ellipsis and accented words.</summary>
    public static string[] WithTypography(string[] lines) => lines.Select((line, i) => i % 20 is not (3 or 10 or 16) ? line : line
        .Replace(", ", " — ").Replace("'", "’").Replace("\"", "“").Replace(" the ", " the naïve café ") + "…").ToArray();

    /// <summary>
    /// BERT-like vocabulary of <paramref name="size"/> tokens: specials, ASCII chars and their "##" forms, the corpus
    /// words except every fifth distinct one (so some words split into pieces), suffix pieces, then filler tokens.
    /// </summary>
    public static List<string> GeneratedVocabulary(int size)
    {
        var tokens = new List<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        var seen = new HashSet<string>(tokens);
        void Add(string t) { if (seen.Add(t)) tokens.Add(t); }
        for (char c = '!'; c <= '~'; c++) { Add(c.ToString()); if (char.IsLetterOrDigit(c)) Add("##" + c); }
        foreach (var suffix in new[] { "##s", "##ed", "##ing", "##ly", "##er", "##tion", "##al", "##ment", "##ness" }) Add(suffix);
        var words = Prose.ToLowerInvariant().Split([' ', '\n', '\r', ',', '.', '"'], StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        for (int i = 0; i < words.Count; i++)
            if (i % 5 != 4) Add(words[i]);
        for (int i = 0; tokens.Count < size; i++) Add(i % 3 == 0 ? $"##filler{i}" : $"filler{i}");
        return tokens;
    }
}
