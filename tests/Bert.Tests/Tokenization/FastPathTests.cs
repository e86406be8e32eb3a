using System.Text;
using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>
/// The fast path (SIMD or table classification of runs, packed ASCII lookups, per-char Latin/Greek/Cyrillic/punctuation
/// normalisation) against its oracle, the exact path (every chunk through <c>TextNormalizer</c> and <c>WordPiece</c>,
/// itself checked against HF semantics and ICU elsewhere): same ids, same offsets, for every setting, on random and
/// adversarial text. Both the SIMD and the table-only classification are compared.
/// </summary>
public class FastPathTests
{
    // Edges of the packed table: ASCII keys of 15, 16 and 17 chars, pieces that only a longer-than-16 key or a
    // non-ASCII key could match, a key with NUL, typographic punctuation, and tokens only the accent-less forms reach.
    private static readonly string[] Words = BuildWords();

    private static string[] BuildWords()
    {
        var words = new List<string>
        {
            "the", "a", "of", "and", "un", "##aff", "##able", "hello", "world", "##s", "##ing", "run", "naive", "cafe", "café",
            "ß", "##ß", "straße", "σ", "##σ", "привет", "##ет", "ελ", "a\0", "##\0", "\0", "abcdefghijklmno", "abcdefghijklmnop",
            "abcdefghijklmnopq", "##bcdefghijklmnop", "##qrstuvwxyzabcdefgh", "abcdefgh", "##ijklmnop", "##ijk", "abcdefghi",
            "Hello", "HELLO", "##LO", "É", "é", "e", "ñ", "n", "i", "##i̇", "ı", "ǆ", "dz", "##ž",
            ".", ",", "!", "'", "-", "’", "“", "”", "—", "…", "«", "»", "$", "¿", "§", "[", "]", "中", "😀",
        };
        for (char c = 'a'; c <= 'z'; c++)
        {
            words.Add(c.ToString());
            words.Add("##" + c);
            words.Add("##" + c + (char)('a' + (c - 'a' + 1) % 26));
        }
        return words.Distinct().ToArray();
    }

    private static IEnumerable<BertTokenizerOptions> AllSettings()
    {
        for (int bits = 0; bits < 32; bits++)
        {
            yield return new BertTokenizerOptions
            {
                LowerCase = (bits & 1) != 0,
                StripAccents = (bits & 2) != 0,
                CleanText = (bits & 4) != 0,
                TokenizeChineseChars = (bits & 8) != 0,
                MaxInputCharsPerWord = (bits & 16) != 0 ? 12 : 100,   // 12: words between the limit and the packed 16
            };
        }
    }

    /// <summary>Random text built to hit the fast path's edges (see the comments on each part).</summary>
    private static string RandomText(Random rng, int parts)
    {
        string[] pieces = ["hello", "Hello", "HELLO", "world", "unaffable", "running", "naïve", "Café", "CAFÉ", "straße", "Straße",
            "Привет", "ΕΛ", "ǅ", "İ", "don’t", "“quoted”", "—", "…", "«x»", "¿", "[MASK]", "[mask]", "中", "😀", "\u00AD", "\u200B",
            "\u0085", "\u00A0", "\u2028", "\u3000", "\r\n", "\t", "\u000B", "\u001F", "\u007F", "\0", "e\u0301", "<\u0338", "ﬁ",
            "abcdefghijklmnop", "abcdefghijklmnopq", "abcdefghijklmnopqrstuvwxyzabcdefgh", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"];
        var sb = new StringBuilder();
        for (int p = 0; p < parts; p++)
        {
            switch (rng.Next(10))
            {
                case 0:   // any char of the fast table's range: every category, controls, marks, spaces
                    sb.Append((char)rng.Next(0, 0x20D0));
                    break;
                case 1:   // any UTF-16 unit (lone surrogates too) or a supplementary char
                    sb.Append(rng.Next(2) == 0 ? ((char)rng.Next(0, 0x10000)).ToString() : char.ConvertFromUtf32(rng.Next(0x10000, 0x30000)));
                    break;
                case 2:   // a combining mark right after whatever came before
                    sb.Append((char)rng.Next(0x300, 0x370));
                    break;
                case 3:
                case 4:   // a word of 1–40 letters from a small alphabet, so pieces match and lengths cross 16 and 64-char blocks
                    int length = rng.Next(1, 41);
                    for (int k = 0; k < length; k++) sb.Append("abcdefghijklmnopqAEIÉé"[rng.Next(22)]);
                    break;
                case 5:
                    sb.Append(' ', rng.Next(1, 3));
                    break;
                default:
                    sb.Append(pieces[rng.Next(pieces.Length)]);
                    break;
            }
            if (rng.Next(3) == 0) sb.Append(' ');
        }
        return sb.ToString();
    }

    private static void AssertSame(BertTokenizer oracle, BertTokenizer candidate, string text, int[] buffer)
    {
        var expected = oracle.Encode(text, truncation: TruncationStrategy.None);
        var actual = candidate.Encode(text, truncation: TruncationStrategy.None);
        Assert.True(expected.Ids.SequenceEqual(actual.Ids), $"ids differ on {Escape(text)}");
        Assert.True(expected.Offsets.SequenceEqual(actual.Offsets), $"offsets differ on {Escape(text)}");
        int n = candidate.EncodeToIds(text, buffer);
        Assert.True(expected.Ids.AsSpan().SequenceEqual(buffer.AsSpan(0, n)), $"span ids differ on {Escape(text)}");
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:X4}"));

    [Fact]
    public void RandomTextGivesTheExactPathsIdsAndOffsetsUnderEverySetting()
    {
        var buffer = new int[1 << 14];
        foreach (var options in AllSettings())
        {
            var exact = TinyVocab.Create(Words, options, exactPathOnly: true);
            var simd = TinyVocab.Create(Words, options);
            var table = TinyVocab.Create(Words, options, vectorize: false);
            var rng = new Random(2026);
            for (int i = 0; i < 150; i++)
            {
                // Up to ~2,500 chars: runs cross the 1,024-char window, 64-bit mask words and 16-char blocks.
                string text = RandomText(rng, rng.Next(0, i % 10 == 0 ? 600 : 60));
                AssertSame(exact, simd, text, buffer);
                AssertSame(exact, table, text, buffer);
            }
        }
    }

    [Fact]
    public void EveryCharOfTheFastRangeAloneInAWordAndBetweenWords()
    {
        var buffer = new int[64];
        foreach (var options in AllSettings().Where(o => o.MaxInputCharsPerWord == 100))
        {
            var exact = TinyVocab.Create(Words, options, exactPathOnly: true);
            var simd = TinyVocab.Create(Words, options);
            for (int c = 0; c < 0x20D0; c++)
            {
                string ch = ((char)c).ToString();
                AssertSame(exact, simd, ch, buffer);
                AssertSame(exact, simd, "hello" + ch + "ing world " + ch + "x", buffer);
            }
        }
    }

    [Fact]
    public void RunsCrossingTheWindowAndBlockEdges()
    {
        var buffer = new int[1 << 14];
        var exact = TinyVocab.Create(Words, exactPathOnly: true);
        var fast = TinyVocab.Create(Words);
        foreach (int at in new[] { 15, 16, 17, 63, 64, 65, 1000, 1023, 1024, 1025, 2047, 2048 })
        {
            string pad = string.Concat(Enumerable.Repeat("hello ", 400))[..at];
            foreach (string tail in new[] { "abcdefghijklmnopq world", "e\u0301 world", "naïve—“x”", "中国 hello", "\u0001hello", "hello\u0301" })
                AssertSame(exact, fast, pad + tail, buffer);
        }
        // One word longer than the window: no separator to cut the run at.
        AssertSame(exact, fast, new string('a', 3000) + " hello", buffer);
        AssertSame(exact, fast, "hello " + new string('a', 1030) + "\u0301 hello", buffer);
    }

    [Fact]
    public void AsciiKeyTableFindsExactlyItsQualifyingKeys()
    {
        var rng = new Random(9);
        var keys = new Dictionary<string, int>();
        while (keys.Count < 5000)
        {
            int length = rng.Next(1, 20);
            var chars = new char[length];
            for (int k = 0; k < length; k++) chars[k] = (char)rng.Next(0, 0x90);   // NUL and non-ASCII too: those are left out
            keys.TryAdd(new string(chars), keys.Count);
        }
        var table = new AsciiKeyTable(keys.Select(kv => (kv.Key, kv.Value)));
        Span<byte> bytes = stackalloc byte[48];
        foreach (var (key, id) in keys)
        {
            bool qualifies = key.Length <= 16 && key.All(c => c is > '\0' and < '\u0080');
            Assert.Equal(qualifies, AsciiKeyTable.TryPack(key, out ulong lo, out ulong hi));
            if (!qualifies) continue;
            Assert.Equal(id, table.Find(lo, hi));
            // Load from bytes with garbage after the key gives the same packed key.
            bytes.Fill(0xAB);
            for (int k = 0; k < key.Length; k++) bytes[k] = (byte)key[k];
            AsciiKeyTable.Load(ref bytes[0], key.Length, out ulong lo2, out ulong hi2);
            Assert.Equal((lo, hi), (lo2, hi2));
            // A proper prefix is found only if it is itself a key.
            if (key.Length > 1)
            {
                AsciiKeyTable.Load(ref bytes[0], key.Length - 1, out ulong plo, out ulong phi);
                Assert.Equal(keys.TryGetValue(key[..^1], out int prefixId) ? prefixId : -1, table.Find(plo, phi));
            }
        }
    }

    [Fact]
    public void KeepLowBytesWithAndWithoutBmi2KeepExactlyTheLowBytes()
    {
        const ulong value = 0xF1E2D3C4B5A69788UL;
        ulong[] expected = [0, 0x88, 0x9788, 0xA69788, 0xB5A69788, 0xC4B5A69788, 0xD3C4B5A69788, 0xE2D3C4B5A69788, value];
        for (int bytes = -8; bytes <= 16; bytes++)
        {
            ulong want = expected[Math.Clamp(bytes, 0, 8)];
            Assert.Equal(want, AsciiKeyTable.KeepLowBytes(value, bytes));
            if (bytes >= 1) Assert.Equal(want, AsciiKeyTable.KeepLowBytesPortable(value, bytes));
        }
    }

    [Fact]
    public void SpanIdsOfTextWithCombiningMarksEqualIcusWhenAccentsAreStripped()
    {
        // The span API drops non-spacing marks itself (no ICU call); its ids must equal the string API's, whose sink
        // keeps offsets and so still normalises through ICU. Bases: every char below U+0530 and a few other scripts.
        char[] marks = [.. Enumerable.Range(0x300, 0x70).Select(c => (char)c), '\u0591', '\u05B4', '\u05BC', '\u0E31', '\u0E48',
            '\u0E4C', '\u0F73', '\u3099', '\u309A', '\u0903', '\u093C', '\u1161', '\u20DD'];   // + Mc, Me, a jamo: those go to ICU
        char[] bases = [.. Enumerable.Range(0x20, 0x510).Select(c => (char)c), 'ש', 'ก', 'か', 'カ', '가', 'Ω', 'ﬁ'];
        var buffer = new int[256];
        foreach (var options in new[] { new BertTokenizerOptions(), new BertTokenizerOptions { LowerCase = false, StripAccents = true } })
        {
            var tok = TinyVocab.Create(Words, options);
            foreach (char mark in marks)
            {
                for (int b = 0; b < bases.Length; b++)
                {
                    char a = bases[b];
                    string text = $"x{a}{mark}y {mark}{a} {a}{mark}{mark}ing {bases[(b * 7) % bases.Length]}{mark}";
                    var expected = tok.Encode(text, truncation: TruncationStrategy.None).Ids;
                    int n = tok.EncodeToIds(text, buffer);
                    Assert.True(expected.AsSpan().SequenceEqual(buffer.AsSpan(0, n)), $"span ids differ on {Escape(text)}");
                    Assert.Equal(expected.Length - 2, tok.CountTokens(text));
                }
            }
        }
    }

    [Theory]
    [InlineData("“We were surprised by how consistent the effect was,” said one — the naïve café’s owner… ÀÉÎÕÜ Привет Ελληνικά")]
    // Decomposed accents, Thai and pointed Hebrew: marks dropped when stripping accents, without ICU.
    [InlineData("Cafe\u0301 nai\u0308ve, Sa\u0303o Paulo — e\u0301te\u0301 \u0E20\u0E32\u0E29\u0E32\u0E44\u0E17\u0E22\u0E48 \u05E9\u05C1\u05B8\u05DC\u05D5\u05B9\u05DD")]
    public void TypographicAndDecomposedTextAllocatesNothing(string text)
    {
        var tok = TinyVocab.Create(Words);
        Span<int> ids = stackalloc int[256];
        tok.EncodeToIds(text, ids);   // warm-up: the thread's scratch buffers are allocated once
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) tok.EncodeToIds(text, ids);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
