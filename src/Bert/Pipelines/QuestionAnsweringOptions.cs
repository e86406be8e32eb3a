namespace Bert.Pipelines;

/// <summary>Settings of extractive question answering (HF <c>QuestionAnsweringPipeline</c>); the defaults are HF's.</summary>
public sealed record QuestionAnsweringOptions
{
    /// <summary>HF <c>top_k</c>: answers to return, best first (fewer when the context has fewer possible spans). Default 1.</summary>
    public int TopK { get; init; } = 1;

    /// <summary>HF <c>max_answer_len</c>: longest answer in tokens (end − start + 1 ≤ this). Default 15.</summary>
    public int MaxAnswerLength { get; init; } = 15;

    /// <summary>HF <c>handle_impossible_answer</c>: also rank the empty "no answer" (score from the [CLS] logits). Default false.</summary>
    public bool HandleImpossibleAnswer { get; init; }

    /// <summary>HF <c>max_seq_len</c>: tokens per window, special tokens and question included; null for min(<see cref="BertModel.MaxTextTokens"/>, 384).</summary>
    public int? MaxSequenceLength { get; init; }

    /// <summary>HF <c>doc_stride</c>: context tokens shared by consecutive windows; null for min(max_seq_len / 2, 128).</summary>
    public int? DocStride { get; init; }

    /// <summary>
    /// HF <c>max_question_len</c>: when set, the question is cut to this many tokens first. Null (default) keeps the whole
    /// question, as HF's pipeline does with a fast tokenizer (it applies max_question_len only with slow tokenizers).
    /// </summary>
    public int? MaxQuestionLength { get; init; }

    /// <summary>HF <c>align_to_words</c>: widen the answer to whole words of the context (default true); false keeps token offsets.</summary>
    public bool AlignToWords { get; init; } = true;
}
