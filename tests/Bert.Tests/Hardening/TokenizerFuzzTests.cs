using System.Diagnostics;
using System.Text;
using Bert.Synthetic;
using Bert.Tokenization;
using Xunit.Abstractions;

namespace Bert.Tests.Hardening;

/// <summary>
/// Seeded random-Unicode inputs (lone surrogates, combining-mark floods, control characters, CJK, 1 MB texts): every
/// encoding keeps the tokenizer's invariants, and WordPiece cost stays linear in the input whatever the vocabulary.
/// </summary>
public sealed class TokenizerFuzzTests(ITestOutputHelper output)
{
    private static readonly BertTokenizer Tokenizer = new(new Vocabulary(
        SyntheticVocabulary.Build(4096).Select((t, i) => KeyValuePair.Create(t, i))), new BertTokenizerOptions());

    [Fact]
    public void RandomUnicodeKeepsTheInvariants()
    {
        var random = new Random(12);
        for (int trial = 0; trial < 3000; trial++)
        {
            string text = RandomText(random, random.Next(0, trial % 100 == 0 ? 20_000 : 200));
            string? pair = random.Next(3) == 0 ? RandomText(random, random.Next(0, 100)) : null;
            int max = random.Next(3, 80);
            var e = Tokenizer.Encode(text, pair, maxLength: max);
            CheckInvariants(e, text, pair, max, trial);
        }
    }

    [Fact]
    public void OneMegabyteInputsEncodeWithinTheLengthBound()
    {
        var random = new Random(5);
        string surrogates = string.Concat(Enumerable.Range(0, 1 << 20).Select(i => (char)(0xD800 + i % 0x800)));
        foreach (string text in new[] { RandomText(random, 1 << 18), new string('\u0301', 1 << 20), "a" + new string('\u0301', 1 << 20), new string('x', 1 << 20), surrogates })
        {
            var e = Tokenizer.Encode(text);
            CheckInvariants(e, text, null, Tokenizer.MaxLength, 0);
            Assert.True(Tokenizer.CountTokens(text) >= 0);
        }
    }

    [Fact]
    public void WordPieceCostIsLinearEvenWithALongVocabularyTokenAndTheLargestWordLimit()
    {
        // The crafted case of issue 12: a very long vocabulary token and max_input_chars_per_word at its maximum.
        string longToken = new('q', 1000);
        var entries = SyntheticVocabulary.Build(4096).Append(longToken).Append("##" + longToken).Select((t, i) => KeyValuePair.Create(t, i));
        var hostile = new BertTokenizer(new Vocabulary(entries), new BertTokenizerOptions { MaxInputCharsPerWord = BertTokenizerOptions.MaxInputCharsPerWordLimit });
        string english = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog, again and again. ", 4000));
        string word = string.Concat(Enumerable.Repeat("qz", 500)) + " "; // 1000-char words: every start scans the whole window
        string small = string.Concat(Enumerable.Repeat(word, 16)), large = string.Concat(Enumerable.Repeat(word, 128));

        // Interleaved, best of 5: the machine may be shared, and the minimum is what the code costs.
        double perCharEnglish = double.MaxValue, perCharSmall = double.MaxValue, perCharLarge = double.MaxValue;
        for (int run = 0; run < 5; run++)
        {
            perCharEnglish = Math.Min(perCharEnglish, NanosecondsPerChar(Tokenizer, english));
            perCharSmall = Math.Min(perCharSmall, NanosecondsPerChar(hostile, small));
            perCharLarge = Math.Min(perCharLarge, NanosecondsPerChar(hostile, large));
        }
        output.WriteLine($"ns/char: English {perCharEnglish:F1}; hostile {perCharSmall:F1} (16 K chars), {perCharLarge:F1} (128 K chars); ratio to English {perCharLarge / perCharEnglish:F0}×");
        // Linear: 8× the input costs about 8× the time, so the per-char cost stays put; a quadratic WordPiece makes it
        // grow 8×. The bound 4× sits between the two and absorbs a shared machine's noise.
        Assert.True(perCharLarge < 4 * perCharSmall, $"per-char cost grew from {perCharSmall:F1} to {perCharLarge:F1} ns with input size");
        // Bounded constant: at most ~1000 hash steps and probes per character (window = 1000) against ~10 for English.
        Assert.True(perCharLarge < 2000 * perCharEnglish, $"hostile {perCharLarge:F1} ns/char vs English {perCharEnglish:F1}");
    }

    private static double NanosecondsPerChar(BertTokenizer tokenizer, string text)
    {
        var watch = Stopwatch.StartNew();
        tokenizer.CountTokens(text);
        return watch.Elapsed.TotalNanoseconds / text.Length;
    }

    private static void CheckInvariants(BertEncoding e, string text, string? pair, int max, int trial)
    {
        string where = $"trial {trial}";
        Assert.True(e.Count <= max, $"{where}: {e.Count} tokens > max {max}");
        Assert.Equal(Tokenizer.ClsTokenId, e.Ids[0]);
        Assert.Equal(Tokenizer.SepTokenId, e.Ids[^1]);
        int previousStart = 0, previousEnd = 0, previousSequence = 0;
        for (int i = 0; i < e.Count; i++)
        {
            Assert.InRange(e.Ids[i], 0, Tokenizer.Vocabulary.Count - 1);
            var (start, end) = e.Offsets[i];
            int sequence = e.SequenceIds[i];
            if (sequence < 0) continue; // special tokens have (0, 0)
            if (sequence != previousSequence) (previousStart, previousEnd, previousSequence) = (0, 0, sequence);
            string source = sequence == 0 ? text : pair!;
            Assert.True(0 <= start && start <= end && end <= source.Length, $"{where}: offset ({start}, {end}) outside a {source.Length}-char text");
            // Monotone, not disjoint: pieces of one normalized cluster (NFC, a ligature) share its original span, as in HF.
            Assert.True(start >= previousStart && end >= previousEnd, $"{where}: offsets not ordered at token {i}: " +
                string.Join(" ", e.Offsets.Select((o, k) => $"{e.Tokens[k]}@{o.Start}-{o.End}")) + $" text: {Escape(source)}");
            (previousStart, previousEnd) = (start, end);
        }
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 0x7F && c >= 0x20 ? c.ToString() : $"\\u{(int)c:X4}"));

    private const string Words = "the quick brown fox unaffable [MASK] [SEP] héllo";

    private const string Punctuation = "!?.,;:'\"()[]{}-–—“”";

    /// <summary>Mixes ASCII words, punctuation, accents, combining-mark runs, CJK, emoji, control chars and lone surrogates.</summary>
    private static string RandomText(Random random, int length)
    {
        var sb = new StringBuilder(length);
        while (sb.Length < length)
        {
            switch (random.Next(10))
            {
                case 0: sb.Append((char)random.Next(0xD800, 0xE000)); break;                // lone surrogate
                case 1: sb.Append('e', 1).Append('\u0301', random.Next(1, 40)); break;      // mark flood
                case 2: sb.Append((char)random.Next(0x4E00, 0x9FFF)); break;                // CJK
                case 3: sb.Append(char.ConvertFromUtf32(random.Next(0x1F600, 0x1F64F))); break;
                case 4: sb.Append((char)random.Next(0, 0x20)); break;                       // controls, tabs, newlines
                case 5: sb.Append((char)random.Next(0x80, 0x3000)); break;
                case 6: sb.Append(Punctuation[random.Next(Punctuation.Length)]); break;
                case 7: sb.Append(' '); break;
                default: sb.Append(Words.AsSpan(random.Next(Words.Length - 8), random.Next(1, 8))); break;
            }
        }
        return sb.ToString();
    }
}
