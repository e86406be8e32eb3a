namespace Bert.Synthetic;

/// <summary>Which transformers class a synthetic checkpoint imitates; decides the head tensors, the
/// <c>architectures</c> entry of config.json, the <c>bert.</c> prefix and the ONNX outputs.</summary>
public enum SyntheticHead
{
    /// <summary><c>BertModel</c>: encoder and pooler, bare tensor names. ONNX: <c>last_hidden_state</c> [b,s,H], <c>pooler_output</c> [b,H].</summary>
    BertModel,

    /// <summary><c>BertForMaskedLM</c>: no pooler; <c>cls.predictions.*</c>. ONNX: <c>logits</c> [b,s,V].</summary>
    MaskedLM,

    /// <summary><c>BertForNextSentencePrediction</c>: pooler; <c>cls.seq_relationship.*</c>. ONNX: <c>logits</c> [b,2].</summary>
    NextSentencePrediction,

    /// <summary><c>BertForPreTraining</c>: pooler; MLM and NSP heads. ONNX: <c>prediction_logits</c> [b,s,V], <c>seq_relationship_logits</c> [b,2].</summary>
    PreTraining,

    /// <summary><c>BertForSequenceClassification</c>: pooler; <c>classifier.*</c> [L,H]. ONNX: <c>logits</c> [b,L].</summary>
    SequenceClassification,

    /// <summary><c>BertForTokenClassification</c>: no pooler; <c>classifier.*</c> [L,H]. ONNX: <c>logits</c> [b,s,L].</summary>
    TokenClassification,

    /// <summary><c>BertForQuestionAnswering</c>: no pooler; <c>qa_outputs.*</c> [2,H]. ONNX: <c>start_logits</c>, <c>end_logits</c> [b,s].</summary>
    QuestionAnswering,
}

/// <summary>Whether stored tensor names carry the <c>bert.</c> prefix of the task classes.</summary>
public enum TensorNamePrefix
{
    /// <summary>As transformers saves: bare for <see cref="SyntheticHead.BertModel"/>, <c>bert.</c> for every task head.</summary>
    Auto,

    /// <summary>Always <c>bert.embeddings...</c>, <c>bert.encoder...</c>, <c>bert.pooler...</c>.</summary>
    Bert,

    /// <summary>Never prefixed (head tensors keep their own names, e.g. <c>cls.predictions.bias</c>).</summary>
    None,
}

/// <summary>How the masked-LM decoder (<c>cls.predictions.decoder</c>) is stored.</summary>
public enum MlmDecoderStorage
{
    /// <summary>Tied to the word embeddings and omitted, as <c>save_pretrained</c> writes safetensors:
    /// only <c>cls.predictions.bias</c> is stored; decoder weight = <c>embeddings.word_embeddings.weight</c>.</summary>
    Tied,

    /// <summary>Tied, but <c>cls.predictions.decoder.weight</c> and <c>cls.predictions.decoder.bias</c> are also stored as
    /// copies (as old converted checkpoints have them); the values equal the word embeddings and <c>cls.predictions.bias</c>.</summary>
    TiedStored,

    /// <summary>Untied (<c>tie_word_embeddings: false</c>): <c>cls.predictions.decoder.weight</c> [V,H] has its own random values.</summary>
    Untied,
}
