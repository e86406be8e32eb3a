using System.Globalization;
using System.Text;
using Bert.Synthetic;
using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>
/// The table-driven normaliser must agree with ICU (string.Normalize) wherever it claims text is simple, and the span API
/// must not allocate on common non-ASCII text (curly quotes, dashes, accents, currency, CJK).
/// </summary>
public sealed class SimpleNormalizerTests
{
    private static readonly char[] SimpleChars = Enumerable.Range(0, 0x20D0).Select(c => (char)c)
        .Where(c => !char.IsSurrogate(c) && SimpleNormalizer.IsSimple([c])).ToArray();

    [Fact]
    public void SimpleTextIsItsOwnNfcAndItsNfdIsPerChar()
    {
        Assert.Contains('\u201C', SimpleChars); // the point of the extension: curly quotes are simple
        Assert.DoesNotContain('\u0301', SimpleChars);
        var random = new Random(3);
        for (int trial = 0; trial < 20_000; trial++)
        {
            // Pairs are where composition could happen (a starter followed by a char that composes with it).
            string s = new([SimpleChars[random.Next(SimpleChars.Length)], SimpleChars[random.Next(SimpleChars.Length)]]);
            Assert.Equal(s.Normalize(NormalizationForm.FormC), s);
            string perChar = string.Concat(s.Select(c => c.ToString().Normalize(NormalizationForm.FormD)));
            Assert.Equal(s.Normalize(NormalizationForm.FormD), perChar);
        }
    }

    [Fact]
    public void SpanApiAllocatesNothingOnCommonNonAsciiText()
    {
        var tokenizer = new BertTokenizer(new Vocabulary(SyntheticVocabulary.Build(4096).Select((t, i) => KeyValuePair.Create(t, i))));
        Span<int> ids = stackalloc int[512];
        foreach (string text in new[] { "He said “hello” — it’s café time…", "naïve résumé, 10 €", "‘quoted’ – a–b", "東京 and Ünïcödé" })
        {
            for (int i = 0; i < 20; i++) tokenizer.EncodeToIds(text, ids); // warm up (tiering, thread-local scratch)
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++) tokenizer.EncodeToIds(text, ids);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
