using System.Text;

namespace Bert.Tokenization;

internal sealed partial class TokenizerCore
{
    /// <summary>
    /// Exact path from <paramref name="i"/>: one whitespace char (skipped), one CJK ideograph (a word), or a chunk up
    /// to the next whitespace/CJK run through HF's steps: clean, lower-case, NFC, strip accents, split on punctuation.
    /// </summary>
    private bool ExactChunk<TSink>(ReadOnlySpan<char> text, ref int i, TokenizerScratch scratch, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        int cp = CodePointAt(text, i, out int width);
        var kind = CharClass.Classify(cp, _cleanText, _chinese);
        if (kind == CharKind.Space)
        {
            i += width;
            return true;
        }
        var src = scratch.Source;
        src.Clear();
        if (kind == CharKind.Cjk)
        {
            int start = i;
            i += width;
            // Unified ideographs are invariant under lower-casing, NFC and NFD; compatibility ones map under NFC.
            if (!IsCompatibilityIdeograph(cp)) return sink.Add(Lookup(text[start..i]), start, i);
            src.Append(text[start..i], start, i);
            return EncodeNormalized(src, scratch, ref sink);
        }
        while (i < text.Length)
        {
            cp = CodePointAt(text, i, out width);
            kind = CharClass.Classify(cp, _cleanText, _chinese);
            if (kind is CharKind.Space or CharKind.Cjk) break;
            if (kind != CharKind.Removed) src.Append(text.Slice(i, width), i, i + width);
            i += width;
        }
        return src.Length == 0 || EncodeNormalized(src, scratch, ref sink);
    }

    private static bool IsCompatibilityIdeograph(int cp) => (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);

    private int Lookup(ReadOnlySpan<char> word)
    {
        int id = _wordPiece.WholeWordId(word, SpanTable.Hash(word));
        return id >= 0 ? id : _unkId;
    }

    /// <summary>Normalises a cleaned chunk (lower-case, NFC, strip accents) and encodes its words.</summary>
    private bool EncodeNormalized<TSink>(MappedText src, TokenizerScratch scratch, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        var current = src;
        if (_lowerCase)
        {
            TextNormalizer.LowerCase(current, scratch.A);
            current = scratch.A;
        }
        if (SimpleNormalizer.IsSimple(current.Span))
        {
            // NFC is the identity here; NFD + drop Mn is a table lookup per char (no ICU call, no allocation).
            if (_stripAccents)
            {
                var stripped = Other(current, scratch);
                SimpleNormalizer.StripAccents(current, stripped);
                current = stripped;
            }
        }
        else if (_stripAccents && !TSink.UsesOffsets && SimpleNormalizer.IsSimpleWithDroppableMarks(current.Span))
        {
            // Same ids as ICU's NFC then NFD without Mn (see the method); only the offsets differ, and this sink has none.
            var stripped = Other(current, scratch);
            SimpleNormalizer.StripAccentsDroppingMarks(current, stripped);
            current = stripped;
        }
        else
        {
            current = TextNormalizer.Normalize(current, Other(current, scratch), NormalizationForm.FormC, scratch);
            if (_stripAccents)
            {
                current = TextNormalizer.Normalize(current, Other(current, scratch), NormalizationForm.FormD, scratch);
                TextNormalizer.DropNonSpacingMarks(current);
            }
        }
        return SplitOnPunctuation(current, scratch, ref sink);
    }

    private static MappedText Other(MappedText current, TokenizerScratch scratch) => current == scratch.A ? scratch.B : scratch.A;

    /// <summary>HF's <c>_run_split_on_punc</c> plus the final whitespace split, then WordPiece per word.</summary>
    private bool SplitOnPunctuation<TSink>(MappedText text, TokenizerScratch scratch, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        var chars = text.Span;
        int wordStart = -1, codePoints = 0;
        for (int k = 0; k < chars.Length;)
        {
            int cp = CodePointAt(chars, k, out int width);
            var kind = CharClass.ClassifyNormalized(cp);
            if (kind == CharKind.Word)
            {
                if (wordStart < 0) wordStart = k;
                codePoints++;
            }
            else
            {
                if (wordStart >= 0 && !EncodeWord(text, wordStart, k, codePoints, scratch, ref sink)) return false;
                wordStart = -1;
                codePoints = 0;
                if (kind == CharKind.Punctuation && !EncodeWord(text, k, k + width, 1, scratch, ref sink)) return false;
            }
            k += width;
        }
        return wordStart < 0 || EncodeWord(text, wordStart, chars.Length, codePoints, scratch, ref sink);
    }

    private bool EncodeWord<TSink>(MappedText text, int start, int end, int codePoints, TokenizerScratch scratch, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        var word = text.Chars.AsSpan(start, end - start);
        var starts = text.Starts.AsSpan(start, end - start);
        var ends = text.Ends.AsSpan(start, end - start);
        return _wordPiece.Encode(word, codePoints, starts, ends, scratch.Pieces, ref sink);
    }
}
