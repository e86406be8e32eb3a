using Bert.Tokenization;

namespace Bert.Tests.Tokenization;

/// <summary>
/// Special tokens, type ids, truncation (HF truncate_sequences) and padding. Expected arrays are written out by
/// hand from HF's build_inputs_with_special_tokens / create_token_type_ids_from_sequences.
/// </summary>
public class EncodeTests
{
    private static readonly string[] V = ["a", "b", "c", "d", "e", "f", "g", "h"];
    private static readonly BertTokenizer Tok = TinyVocab.Create(V);
    private static int[] Ids(params string[] t) => TinyVocab.Ids(V, t);

    [Fact]
    public void SingleSequenceIsClsTextSep()
    {
        var e = Tok.Encode("a b c");
        Assert.Equal(Ids("[CLS]", "a", "b", "c", "[SEP]"), e.Ids);
        Assert.Equal([0, 0, 0, 0, 0], e.TypeIds);
        Assert.Equal([1, 1, 1, 1, 1], e.AttentionMask);
        Assert.Equal([1, 0, 0, 0, 1], e.SpecialTokensMask);
        Assert.Equal(["[CLS]", "a", "b", "c", "[SEP]"], e.Tokens);
    }

    [Fact]
    public void PairIsClsASepBSepWithTypeIds()
    {
        var e = Tok.Encode("a b", "c d e");
        Assert.Equal(Ids("[CLS]", "a", "b", "[SEP]", "c", "d", "e", "[SEP]"), e.Ids);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], e.TypeIds);
        Assert.Equal([-1, 0, 0, -1, 1, 1, 1, -1], e.SequenceIds);
    }

    [Fact]
    public void WithoutSpecialTokens() => Assert.Equal(Ids("a", "b"), Tok.Encode("a b", addSpecialTokens: false).Ids);

    [Fact]
    public void LongestFirstOnSingleCutsTheEnd()
    {
        var e = Tok.Encode("a b c d", maxLength: 4);
        Assert.Equal(Ids("[CLS]", "a", "b", "[SEP]"), e.Ids);
        Assert.Equal(2, e.TruncatedTokenCount);
    }

    // A = a b c d (4 tokens), B = e f g (3 tokens), maxLength 8 => 4 + 3 + 3 specials = 10, remove 2.
    [Fact]
    public void LongestFirstOnPairTrimsTheLongerAndGivesTiesToTheSecond()
    {
        // Step 1: 4 > 3 -> A loses one (3, 3). Step 2: tie -> B loses one (3, 2).
        var e = Tok.Encode("a b c d", "e f g", maxLength: 8);
        Assert.Equal(Ids("[CLS]", "a", "b", "c", "[SEP]", "e", "f", "[SEP]"), e.Ids);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1], e.TypeIds);
    }

    [Fact]
    public void OnlyFirstTrimsTheFirst()
    {
        var e = Tok.Encode("a b c d", "e f g", truncation: TruncationStrategy.OnlyFirst, maxLength: 8);
        Assert.Equal(Ids("[CLS]", "a", "b", "[SEP]", "e", "f", "g", "[SEP]"), e.Ids);
    }

    [Fact]
    public void OnlySecondTrimsTheSecond()
    {
        var e = Tok.Encode("a b c d", "e f g", truncation: TruncationStrategy.OnlySecond, maxLength: 8);
        Assert.Equal(Ids("[CLS]", "a", "b", "c", "d", "[SEP]", "e", "[SEP]"), e.Ids);
    }

    [Fact]
    public void NoTruncationMayExceedMaxLength() =>
        Assert.Equal(6, Tok.Encode("a b c d", truncation: TruncationStrategy.None, maxLength: 4).Count);

    [Fact]
    public void ImpossibleTruncationThrows()
    {
        // only_first must remove 4 but the first sequence has 1 token: HF logs an error; we refuse.
        Assert.Throws<ArgumentException>(() => Tok.Encode("a", "b c d e f", truncation: TruncationStrategy.OnlyFirst, maxLength: 5));
        Assert.Throws<ArgumentException>(() => Tok.Encode("a", truncation: TruncationStrategy.OnlySecond));
        var small = Assert.Throws<ArgumentException>(() => Tok.Encode("a", "b", maxLength: 2));
        Assert.Contains("maxLength", small.Message);
    }

    [Fact]
    public void PaddingToMaxLength()
    {
        var e = Tok.Encode("a b", "c", maxLength: 8, padding: PaddingStrategy.MaxLength);
        Assert.Equal(Ids("[CLS]", "a", "b", "[SEP]", "c", "[SEP]", "[PAD]", "[PAD]"), e.Ids);
        Assert.Equal([0, 0, 0, 0, 1, 1, 0, 0], e.TypeIds);
        Assert.Equal([1, 1, 1, 1, 1, 1, 0, 0], e.AttentionMask);
        Assert.Equal((0, 0), e.Offsets[7]);
        Assert.Equal(6, e.Length);
    }

    [Fact]
    public void BatchPadsToLongestRowMajor()
    {
        var batch = Tok.EncodeBatch(["a", "b c d", "e f"]);
        Assert.Equal(3, batch.BatchSize);
        Assert.Equal(5, batch.SequenceLength);
        int[] expected =
        [
            .. Ids("[CLS]", "a", "[SEP]", "[PAD]", "[PAD]"),
            .. Ids("[CLS]", "b", "c", "d", "[SEP]"),
            .. Ids("[CLS]", "e", "f", "[SEP]", "[PAD]"),
        ];
        Assert.Equal(expected, batch.Ids);
        Assert.Equal([1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0], batch.AttentionMask);
        Assert.Equal([3, 5, 4], batch.Lengths);
    }

    [Fact]
    public void BatchOfPairsPadsToMaxLength()
    {
        var batch = Tok.EncodeBatch(["a", "b c"], ["d", "e"], maxLength: 7, padding: PaddingStrategy.MaxLength);
        Assert.Equal(7, batch.SequenceLength);
        Assert.Equal([0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0], batch.TypeIds);
        Assert.Equal(Ids("[CLS]", "b", "c", "[SEP]", "e", "[SEP]", "[PAD]"), batch.Ids[7..]);
        Assert.Throws<ArgumentException>(() => Tok.EncodeBatch(["a"], ["b", "c"]));
    }

    [Fact]
    public void EmptyBatch() => Assert.Equal(0, Tok.EncodeBatch([]).BatchSize);

    [Fact]
    public void SpanApiWritesClsTextSepAndTruncatesToTheBuffer()
    {
        Span<int> ids = stackalloc int[8];
        int n = Tok.EncodeToIds("a b c", ids);
        Assert.Equal(Ids("[CLS]", "a", "b", "c", "[SEP]"), ids[..n].ToArray());
        n = Tok.EncodeToIds("a b c d e", ids[..4], addSpecialTokens: true, out bool truncated);
        Assert.True(truncated);
        Assert.Equal(Ids("[CLS]", "a", "b", "[SEP]"), ids[..n].ToArray());
        n = Tok.EncodeToIds("a b", ids[..2], addSpecialTokens: false, out truncated);
        Assert.False(truncated);
        Assert.Equal(2, n);
        Assert.Equal(5, Tok.CountTokens("a b c [MASK] e"));
    }

    [Fact]
    public void SpanApiRejectsABufferTooSmallForSpecialTokens()
    {
        var e = Assert.Throws<ArgumentException>(() => Tok.EncodeToIds("a", new int[1]));
        Assert.Contains("[CLS]", e.Message);
    }

    [Fact]
    public void SpecialTokenIdsAreExposed()
    {
        Assert.Equal((TinyVocab.Cls, TinyVocab.Sep, TinyVocab.Pad, TinyVocab.Mask, TinyVocab.Unk),
            (Tok.ClsTokenId, Tok.SepTokenId, Tok.PadTokenId, Tok.MaskTokenId, Tok.UnkTokenId));
    }

    [Fact]
    public void PaddingWithoutPadTokenThrows()
    {
        var noPad = new BertTokenizer(new Vocabulary(new[] { "[UNK]", "[CLS]", "[SEP]", "a" }.Select((t, i) => KeyValuePair.Create(t, i))));
        Assert.Equal(-1, noPad.PadTokenId);
        Assert.Throws<InvalidOperationException>(() => noPad.Encode("a", maxLength: 5, padding: PaddingStrategy.MaxLength));
    }
}
