using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bert.Server.Endpoints;

/// <summary>TEI <c>POST /embed</c>.</summary>
internal sealed record EmbedRequest(
    [property: JsonPropertyName("inputs")] JsonElement Inputs,
    [property: JsonPropertyName("normalize")] bool? Normalize = null,
    [property: JsonPropertyName("truncate")] bool? Truncate = null,
    [property: JsonPropertyName("truncation_direction")] string? TruncationDirection = null);

/// <summary>OpenAI <c>POST /v1/embeddings</c>: <c>input</c> is a string, an array of strings, an array of token ids, or an array of those.</summary>
internal sealed record OpenAIEmbeddingRequest(
    [property: JsonPropertyName("input")] JsonElement Input,
    [property: JsonPropertyName("model")] string? Model = null,
    [property: JsonPropertyName("encoding_format")] string? EncodingFormat = null,
    [property: JsonPropertyName("dimensions")] int? Dimensions = null,
    [property: JsonPropertyName("user")] string? User = null);

/// <summary>One item of an OpenAI embeddings response; <c>embedding</c> is a float array or a base64 string of little-endian float32.</summary>
internal sealed record OpenAIEmbedding(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("embedding")] object Embedding,
    [property: JsonPropertyName("index")] int Index);

/// <summary>Token counts of an OpenAI embeddings response.</summary>
internal sealed record OpenAIUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);

/// <summary>OpenAI embeddings response.</summary>
internal sealed record OpenAIEmbeddingResponse(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<OpenAIEmbedding> Data,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("usage")] OpenAIUsage Usage);

/// <summary>TEI <c>POST /tokenize</c>.</summary>
internal sealed record TokenizeRequest(
    [property: JsonPropertyName("inputs")] JsonElement Inputs,
    [property: JsonPropertyName("add_special_tokens")] bool? AddSpecialTokens = null);

/// <summary>One token of a <c>/tokenize</c> answer; start/stop are UTF-16 offsets into the input, null for added special tokens.</summary>
internal sealed record TokenInfo(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("special")] bool Special,
    [property: JsonPropertyName("start")] int? Start,
    [property: JsonPropertyName("stop")] int? Stop);

/// <summary>TEI <c>POST /predict</c>: <c>inputs</c> is a text, a pair [a, b], or an array of texts/pairs.</summary>
internal sealed record PredictRequest(
    [property: JsonPropertyName("inputs")] JsonElement Inputs,
    [property: JsonPropertyName("raw_scores")] bool? RawScores = null,
    [property: JsonPropertyName("truncate")] bool? Truncate = null,
    [property: JsonPropertyName("truncation_direction")] string? TruncationDirection = null);

/// <summary>A label and its score (probability, or logit with raw_scores).</summary>
internal sealed record Prediction(
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("label")] string Label);

/// <summary>TEI <c>POST /rerank</c>.</summary>
internal sealed record RerankRequest(
    [property: JsonPropertyName("query")] JsonElement Query,
    [property: JsonPropertyName("texts")] JsonElement Texts,
    [property: JsonPropertyName("raw_scores")] bool? RawScores = null,
    [property: JsonPropertyName("return_text")] bool? ReturnText = null,
    [property: JsonPropertyName("truncate")] bool? Truncate = null,
    [property: JsonPropertyName("truncation_direction")] string? TruncationDirection = null);

/// <summary>One ranked text: its index in the request, score, and text when asked for.</summary>
internal sealed record Rank(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("text")] string? Text);

/// <summary><c>POST /fill-mask</c>: texts with one or more mask tokens.</summary>
internal sealed record FillMaskRequest(
    [property: JsonPropertyName("inputs")] JsonElement Inputs,
    [property: JsonPropertyName("top_k")] int? TopK = null,
    [property: JsonPropertyName("targets")] IReadOnlyList<string>? Targets = null,
    [property: JsonPropertyName("truncate")] bool? Truncate = null);

/// <summary>One fill-mask candidate, as Hugging Face's fill-mask pipeline: score, token id, token string, and the filled sequence.</summary>
internal sealed record MaskCandidate(
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("token")] int Token,
    [property: JsonPropertyName("token_str")] string TokenStr,
    [property: JsonPropertyName("sequence")] string Sequence);

/// <summary><c>GET /info</c>.</summary>
internal sealed record InfoResponse(
    [property: JsonPropertyName("model_id")] string ModelId,
    [property: JsonPropertyName("model_type")] string ModelType,
    [property: JsonPropertyName("architectures")] IReadOnlyList<string> Architectures,
    [property: JsonPropertyName("heads")] IReadOnlyList<string> Heads,
    [property: JsonPropertyName("dimensions")] int Dimensions,
    [property: JsonPropertyName("pooling")] string Pooling,
    [property: JsonPropertyName("max_input_length")] int MaxInputLength,
    [property: JsonPropertyName("id2label")] IReadOnlyDictionary<string, string>? Id2Label,
    [property: JsonPropertyName("batching")] bool Batching,
    [property: JsonPropertyName("max_batch_tokens")] int MaxBatchTokens,
    [property: JsonPropertyName("max_batch_requests")] int MaxBatchRequests,
    [property: JsonPropertyName("max_client_batch_size")] int MaxClientBatchSize,
    [property: JsonPropertyName("max_queued_inputs")] int MaxQueuedInputs,
    [property: JsonPropertyName("max_input_characters")] int MaxInputCharacters,
    [property: JsonPropertyName("version")] string Version);

/// <summary><c>POST /ner</c>: token classification with Hugging Face's options.</summary>
internal sealed record NerRequest(
    [property: JsonPropertyName("inputs")] JsonElement Inputs,
    [property: JsonPropertyName("aggregation_strategy")] string? AggregationStrategy = null,
    [property: JsonPropertyName("ignore_labels")] IReadOnlyList<string>? IgnoreLabels = null,
    [property: JsonPropertyName("stride")] int? Stride = null,
    [property: JsonPropertyName("truncate")] bool? Truncate = null);

/// <summary>
/// One entity as Hugging Face's token-classification pipeline writes it: <c>entity</c> and <c>index</c> without
/// aggregation, <c>entity_group</c> with it; start/end are UTF-16 offsets into the input.
/// </summary>
internal sealed record NerEntity(
    [property: JsonPropertyName("entity")] string? Entity,
    [property: JsonPropertyName("entity_group")] string? EntityGroup,
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("word")] string Word,
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("end")] int End,
    [property: JsonPropertyName("index")] int? Index);

/// <summary><c>POST /qa</c>: extractive question answering with Hugging Face's options.</summary>
internal sealed record QaRequest(
    [property: JsonPropertyName("question")] JsonElement Question,
    [property: JsonPropertyName("context")] JsonElement Context,
    [property: JsonPropertyName("top_k")] int? TopK = null,
    [property: JsonPropertyName("max_answer_len")] int? MaxAnswerLength = null,
    [property: JsonPropertyName("handle_impossible_answer")] bool? HandleImpossibleAnswer = null,
    [property: JsonPropertyName("doc_stride")] int? DocStride = null,
    [property: JsonPropertyName("align_to_words")] bool? AlignToWords = null);

/// <summary>One answer: the text, its score p_start·p_end, and its UTF-16 offsets into the context.</summary>
internal sealed record QaAnswer(
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("end")] int End);
