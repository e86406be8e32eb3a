using Bert.Onnx.Graph;

namespace Bert.Onnx.Recognition;

/// <summary>A weight matrix as stored in the graph: <see cref="StoredInOut"/> when it is <c>[in, out]</c> (a MatMul
/// operand, or Gemm without transB) and must be transposed to Hugging Face's <c>[out, in]</c>.</summary>
internal sealed record WeightRef(OnnxTensor Tensor, bool StoredInOut)
{
    public int Out => (int)(StoredInOut ? Tensor.Dims[1] : Tensor.Dims[0]);

    public int In => (int)(StoredInOut ? Tensor.Dims[0] : Tensor.Dims[1]);
}

/// <summary>An <c>nn.Linear</c>: y = x·Wᵀ + b found as MatMul + Add or as Gemm. <see cref="Input"/> is the tensor the
/// match was started from; <see cref="Output"/> is y (before any re-viewing Reshape).</summary>
internal sealed record LinearMatch(WeightRef Weight, OnnxTensor Bias, string Input, string Output)
{
    public int In => Weight.In;

    public int Out => Weight.Out;
}

/// <summary>A LayerNorm over the last axis: weight (γ), bias (β), ε and its output tensor.</summary>
internal sealed record LayerNormMatch(OnnxTensor Weight, OnnxTensor Bias, float Eps, string Output);

/// <summary>One <c>BertLayer</c>.</summary>
internal sealed record LayerMatch(
    LinearMatch Query, LinearMatch Key, LinearMatch Value, int Heads,
    LinearMatch AttentionOutput, LayerNormMatch AttentionNorm,
    LinearMatch Intermediate, string Activation, LinearMatch Output, LayerNormMatch OutputNorm);

/// <summary><c>BertEmbeddings</c>: the three tables and the LayerNorm after their sum.</summary>
internal sealed record EmbeddingsMatch(OnnxTensor Word, OnnxTensor Position, OnnxTensor TokenType, LayerNormMatch Norm);
