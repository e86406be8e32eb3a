using System.Buffers;
using System.Globalization;
using System.Text;

namespace Bert.Tokenization;

/// <summary>
/// The per-word normalisation steps of HF's slow BertTokenizer, applied to a <see cref="MappedText"/> so that every
/// output char keeps the range of original chars it came from: lower-casing, NFC, and accent stripping (NFD, then
/// drop category Mn). Used only for words that contain non-ASCII chars.
/// </summary>
internal static class TextNormalizer
{
    /// <summary>
    /// Lower-cases per code point. HF lower-cases the text char by char (the regex in <c>PreTrainedTokenizer.tokenize</c>)
    /// before <c>str.lower()</c>, so Python's full mapping applies without the final-sigma rule: it equals .NET's
    /// invariant simple mapping except U+0130 (İ), which Python maps to "i\u0307".
    /// </summary>
    public static void LowerCase(MappedText src, MappedText dst)
    {
        dst.Clear();
        dst.EnsureCapacity(src.Length + 8);
        var chars = src.Span;
        Span<char> lower = stackalloc char[2];
        for (int i = 0; i < chars.Length;)
        {
            if (Rune.DecodeFromUtf16(chars[i..], out var rune, out int width) != OperationStatus.Done)
            {
                dst.Append(chars[i], src.Starts[i], src.Ends[i]);   // a lone surrogate: never here (always removed)
                i++;
                continue;
            }
            int start = src.Starts[i], end = src.Ends[i + width - 1];
            if (rune.Value == 0x130)
            {
                dst.Append('i', start, end);
                dst.Append('\u0307', start, end);
            }
            else
            {
                int n = Rune.ToLowerInvariant(rune).EncodeToUtf16(lower);
                dst.Append(lower[..n], start, end);
            }
            i += width;
        }
    }

    /// <summary>
    /// Unicode-normalises <paramref name="src"/> as a whole (exact), then maps output chars back to original ranges
    /// by normalising each combining cluster alone; if that does not reproduce the whole result, every output char
    /// gets the range of the whole word (coarse but never wrong). Returns the text holding the result.
    /// </summary>
    public static MappedText Normalize(MappedText src, MappedText dst, NormalizationForm form, TokenizerScratch scratch)
    {
        var chars = src.Span;
        if (chars.IsNormalized(form)) return src;
        int written = NormalizeInto(chars, ref dst.Chars, form);
        dst.Length = written;
        if (dst.Starts.Length < dst.Chars.Length)
        {
            Array.Resize(ref dst.Starts, dst.Chars.Length);
            Array.Resize(ref dst.Ends, dst.Chars.Length);
        }
        if (!AlignByClusters(src, dst, form, scratch))
        {
            dst.Starts.AsSpan(0, written).Fill(src.Starts[0]);
            dst.Ends.AsSpan(0, written).Fill(src.Ends[src.Length - 1]);
        }
        return dst;
    }

    /// <summary>Removes chars of category Mn (HF's <c>_run_strip_accents</c> after NFD), in place.</summary>
    public static void DropNonSpacingMarks(MappedText text)
    {
        int w = 0;
        for (int i = 0; i < text.Length;)
        {
            int width = char.IsHighSurrogate(text.Chars[i]) && i + 1 < text.Length && char.IsLowSurrogate(text.Chars[i + 1]) ? 2 : 1;
            int cp = width == 2 ? char.ConvertToUtf32(text.Chars[i], text.Chars[i + 1]) : text.Chars[i];
            if (CharUnicodeInfo.GetUnicodeCategory(cp) != UnicodeCategory.NonSpacingMark)
            {
                for (int k = 0; k < width; k++)
                {
                    text.Chars[w] = text.Chars[i + k];
                    text.Starts[w] = text.Starts[i + k];
                    text.Ends[w] = text.Ends[i + k];
                    w++;
                }
            }
            i += width;
        }
        text.Length = w;
    }

    private static int NormalizeInto(ReadOnlySpan<char> source, ref char[] destination, NormalizationForm form)
    {
        // Canonical forms expand at most 3x (NFC) / 4x (NFD) per the stream-safe analysis; grow and retry regardless.
        if (destination.Length < 4 * source.Length + 16) destination = new char[4 * source.Length + 16];
        while (true)
        {
            if (source.TryNormalize(destination, out int written, form)) return written;
            if (destination.Length > 64 * source.Length + 1024) throw new InvalidOperationException("Unicode normalisation did not converge.");
            destination = new char[destination.Length * 2];
        }
    }

    private static bool AlignByClusters(MappedText src, MappedText dst, NormalizationForm form, TokenizerScratch scratch)
    {
        int pos = 0;
        for (int cs = 0; cs < src.Length;)
        {
            int ce = ClusterEnd(src.Span, cs);
            var piece = src.Span[cs..ce];
            var temp = scratch.TempBuffer(4 * piece.Length + 16);
            if (!piece.TryNormalize(temp, out int w, form)) return false;
            if (pos + w > dst.Length || !temp[..w].SequenceEqual(dst.Chars.AsSpan(pos, w))) return false;
            dst.Starts.AsSpan(pos, w).Fill(src.Starts[cs]);
            dst.Ends.AsSpan(pos, w).Fill(src.Ends[ce - 1]);
            pos += w;
            cs = ce;
        }
        return pos == dst.Length;
    }

    /// <summary>End of the cluster starting at <paramref name="start"/>: a code point plus following combining ones.</summary>
    private static int ClusterEnd(ReadOnlySpan<char> chars, int start)
    {
        int i = start + CodePointWidth(chars, start);
        while (i < chars.Length)
        {
            int width = CodePointWidth(chars, i);
            int cp = width == 2 ? char.ConvertToUtf32(chars[i], chars[i + 1]) : chars[i];
            if (!Combines(cp)) break;
            i += width;
        }
        return i;
    }

    // Marks, and Hangul medial vowels / final consonants (they compose with the preceding jamo under NFC).
    private static bool Combines(int cp) =>
        (cp >= 0x1160 && cp <= 0x11FF) ||
        CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark;

    private static int CodePointWidth(ReadOnlySpan<char> chars, int i) =>
        char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]) ? 2 : 1;
}
