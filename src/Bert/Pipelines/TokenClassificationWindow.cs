namespace Bert.Pipelines;

/// <summary>
/// What the post-processing of one window (or one whole input) needs, as plain arrays of n tokens: the classifier's
/// logits [n·L] row-major, the token strings, offsets into the text, the special-tokens mask and the word ids
/// (see <see cref="Tokenization.BertEncoding"/>).
/// </summary>
internal readonly record struct TokenClassificationWindow(
    float[] Logits, string[] Tokens, (int Start, int End)[] Offsets, int[] SpecialTokensMask, int[] WordIds)
{
    public int Count => Tokens.Length;
}

/// <summary>A token ready for aggregation (HF's "pre-entity").</summary>
internal readonly record struct PreEntity(string Word, float[] Scores, int Start, int End, int Index, bool IsSubword);

/// <summary>A token or word with its chosen label, before grouping.</summary>
internal readonly record struct LabelledSpan(string Label, float Score, string Word, int Start, int End, int Index);
