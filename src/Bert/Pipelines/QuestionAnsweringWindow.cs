namespace Bert.Pipelines;

/// <summary>
/// What the post-processing of one QA window needs, as plain arrays of n tokens: start and end logits, which tokens may
/// bound an answer (HF's 1 − p_mask: the context tokens and [CLS]), offsets into the context, and word ids
/// (for <see cref="QuestionAnsweringOptions.AlignToWords"/>). Position 0 holds [CLS].
/// </summary>
internal readonly record struct QuestionAnsweringWindow(
    float[] StartLogits, float[] EndLogits, bool[] Candidate, (int Start, int End)[] Offsets, int[] WordIds, bool[] IsContext)
{
    public int Count => StartLogits.Length;
}
