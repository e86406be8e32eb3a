using System.Globalization;
using System.Text;
using Bert.Synthetic;
using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>
/// The table-driven normaliser must agree with ICU (string.Normalize) wherever it claims text is simple, and the span API
/// must not allocate on common non-ASCII text (curly quotes, dashes, accents, currency, CJK, Hebrew, Arabic, kana, Hangul).
/// </summary>
public sealed class SimpleNormalizerTests
{
    private static readonly char[] SimpleChars = Enumerable.Range(0, 0x10000).Select(c => (char)c)
        .Where(c => !char.IsSurrogate(c) && SimpleNormalizer.IsSimple([c])).ToArray();

    [Fact]
    public void SimpleTextIsItsOwnNfcAndItsNfdIsPerChar()
    {
        Assert.Contains('\u201C', SimpleChars); // the point of the extension: curly quotes are simple
        Assert.Contains('\uAC00', SimpleChars); // a Hangul syllable (its NFD is jamo)
        Assert.Contains('\u05D0', SimpleChars); // Hebrew alef
        Assert.DoesNotContain('\u0301', SimpleChars);
        Assert.DoesNotContain('\u1161', SimpleChars); // a Hangul vowel jamo composes with the jamo before it
        Assert.DoesNotContain('\u0BBE', SimpleChars); // a Tamil vowel sign (Mc) composes with U+0BC6
        var random = new Random(3);
        for (int trial = 0; trial < 60_000; trial++)
        {
            // Pairs and triples are where composition or reordering could happen.
            int length = 2 + trial % 2;
            var chars = new char[length];
            for (int k = 0; k < length; k++) chars[k] = SimpleChars[random.Next(SimpleChars.Length)];
            string s = new(chars);
            Assert.Equal(s.Normalize(NormalizationForm.FormC), s);
            string perChar = string.Concat(s.Select(c => c.ToString().Normalize(NormalizationForm.FormD)));
            Assert.Equal(s.Normalize(NormalizationForm.FormD), perChar);
        }
    }

    [Fact]
    public void NoSimpleCharFollowsAnotherCharInAnyCanonicalDecomposition()
    {
        // A composition pair (x, y) is the canonical decomposition of some z, so y shows up after the start of NFD(z)
        // (the second of a canonical mapping never decomposes further). ICU's data for every code point says no simple
        // char is such a y: two adjacent simple chars can never compose.
        var simple = new HashSet<char>(SimpleChars);
        for (int cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF || cp is 0xFFFE or 0xFFFF) continue;
            string z = char.ConvertFromUtf32(cp);
            if (z.IsNormalized(NormalizationForm.FormD)) continue;
            string d = z.Normalize(NormalizationForm.FormD);
            for (int k = 1; k < d.Length; k++)
                if (simple.Contains(d[k])) Assert.Fail($"U+{(int)d[k]:X4} (simple) follows another char in NFD(U+{cp:X4})");   // surrogate units are never simple
        }
    }

    [Fact]
    public void SpanApiAllocatesNothingOnCommonNonAsciiText()
    {
        var tokenizer = new BertTokenizer(new Vocabulary(SyntheticVocabulary.Build(4096).Select((t, i) => KeyValuePair.Create(t, i))));
        Span<int> ids = stackalloc int[512];
        foreach (string text in new[] { "He said “hello” — it’s café time…", "naïve résumé, 10 €", "‘quoted’ – a–b", "東京 and Ünïcödé",
                     "שלום עולם", "مرحبا بالعالم", "こんにちは、カタカナ、がぎぐ", "한국어 텍스트입니다", "Բարեւ Ճապոնիա" })
        {
            for (int i = 0; i < 20; i++) tokenizer.EncodeToIds(text, ids); // warm up (tiering, thread-local scratch)
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++) tokenizer.EncodeToIds(text, ids);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
