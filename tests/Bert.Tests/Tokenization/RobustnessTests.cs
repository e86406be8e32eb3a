using System.Diagnostics;
using System.Text;
using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>
/// Any Unicode content is accepted (no exception, no hang), the ASCII fast path equals the exact path, the span API
/// equals the string API and allocates nothing, and one instance is safe to share between threads.
/// </summary>
public class RobustnessTests
{
    private static readonly string[] Words = ["the", "a", "of", "and", "un", "##aff", "##able", "hello", "world", "##s", "##ing", "run",
        ".", ",", "!", "'", "-", "(", ")", "é", "e", "中", "😀", "##😀", "i", "##i", "x", "##x", "cafe", "café", "[", "]", "$"];

    /// <summary>Random text mixing words, punctuation, every kind of space, accents, CJK, emoji, controls and broken UTF-16.</summary>
    internal static string RandomText(Random rng, int parts)
    {
        string[] bits = ["hello", "World", "unaffable", "running", "the", "x", " ", " ", "\t", "\n", "\r\n", "\u00A0", "\u3000", "\u2028",
            ".", ",", "!", "$", "+", "^", "`", "«", "—", "é", "É", "e\u0301", "ñ", "ß", "İ", "Σ", "\u212B", "中", "国", "\uF900", "한",
            "😀", "👍🏽", "\u200D", "\uFE0F", "\u0000", "\u0001", "\uFFFD", "\u0301", "<\u0338", "[MASK]", "[CLS]", "[mask]", "ﬁ"];
        var sb = new StringBuilder();
        for (int i = 0; i < parts; i++)
        {
            int r = rng.Next(12);
            if (r == 0) sb.Append((char)rng.Next(0, 0x10000));                 // any UTF-16 unit, lone surrogates included
            else if (r == 11) sb.Append(rng.Next(2) == 0 ? "\uFFFE" : "\uFFFF"); // noncharacters (.NET's normaliser rejects U+FFFE)
            else if (r == 1) sb.Append(char.ConvertFromUtf32(rng.Next(0x10000, 0x30000)));
            else sb.Append(bits[rng.Next(bits.Length)]);
        }
        return sb.ToString();
    }

    [Fact]
    public void RandomUnicodeNeverThrowsAndFastPathEqualsExactPath()
    {
        foreach (var (lower, clean) in new[] { (true, true), (false, true), (true, false) })
        {
            var options = new BertTokenizerOptions { LowerCase = lower, CleanText = clean };
            var fast = TinyVocab.Create(Words, options);
            var exact = TinyVocab.Create(Words, options, exactPathOnly: true);
            var rng = new Random(1234);
            var buffer = new int[4096];
            for (int i = 0; i < 1000; i++)
            {
                string text = RandomText(rng, rng.Next(0, 40));
                var a = fast.Encode(text, truncation: TruncationStrategy.None);
                var b = exact.Encode(text, truncation: TruncationStrategy.None);
                Assert.Equal(b.Ids, a.Ids);
                Assert.Equal(b.Offsets, a.Offsets);
                int n = fast.EncodeToIds(text, buffer);
                Assert.Equal(a.Ids, buffer[..n]);
                foreach (var (start, end) in a.Offsets.Skip(1).SkipLast(1))
                    Assert.True(0 <= start && start < end && end <= text.Length, $"offset ({start}, {end}) outside text of {text.Length}");
            }
        }
    }

    [Fact]
    public void OneMegabyteInputsRunInLinearTime()
    {
        var tok = TinyVocab.Create(Words);
        var rng = new Random(5);
        string[] inputs =
        [
            new string('a', 1 << 20),                                           // one huge ASCII word -> [UNK]
            string.Concat(Enumerable.Repeat("é", 1 << 20)),                      // one huge non-ASCII chunk
            string.Concat(Enumerable.Repeat("e\u0301", 1 << 19)),               // one huge chunk through ICU normalisation
            RandomText(rng, 1 << 17),                                           // ~1 MB of mixed content
            string.Concat(Enumerable.Repeat("xxxxxxxxx!", 1 << 17)),            // many max-length-ish words
            new string('[', 1 << 20),                                           // special-token matcher worst case
        ];
        var watch = Stopwatch.StartNew();
        foreach (var text in inputs)
        {
            int count = tok.CountTokens(text);
            Assert.True(count > 0);
        }
        // Not a benchmark: a quadratic algorithm would need minutes here; linear ones take well under a second each.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public void SpanApiAllocatesNothing()
    {
        var tok = TinyVocab.Create(Words);
        string ascii = "The hello world, running unaffable (x) and the $ of [MASK] hello's worlds!";
        // Precomposed Latin/Greek/Cyrillic, CJK and emoji avoid ICU. (Combining marks need ICU's normaliser, which
        // allocates ~96 bytes per call in .NET 10: documented on EncodeToIds.)
        string mixed = "Café é 中国 😀 ñ naïve ÀÉÎÕÜ Привет Ελληνικά hello";
        Span<int> ids = stackalloc int[256];
        foreach (var text in new[] { ascii, mixed })
        {
            tok.EncodeToIds(text, ids);   // warm-up: the thread's scratch buffers are allocated once
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) tok.EncodeToIds(text, ids);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void OneInstanceIsSafeAcrossThreads()
    {
        var tok = TinyVocab.Create(Words);
        var rng = new Random(77);
        var texts = Enumerable.Range(0, 400).Select(_ => RandomText(rng, rng.Next(1, 60))).ToArray();
        var expected = texts.Select(t => tok.Encode(t, truncation: TruncationStrategy.None).Ids).ToArray();
        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var ids = new int[4096];
            for (int round = 0; round < 3; round++)
            {
                for (int i = worker; i < texts.Length; i += 1 + worker % 3)
                {
                    int n = tok.EncodeToIds(texts[i], ids, addSpecialTokens: true);
                    if (!ids.AsSpan(0, n).SequenceEqual(expected[i])) Interlocked.Increment(ref failures);
                }
            }
        });
        Assert.Equal(0, failures);
    }
}
