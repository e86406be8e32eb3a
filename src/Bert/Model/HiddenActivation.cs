using Bert.Kernels;

namespace Bert.Model;

/// <summary>The <c>hidden_act</c> functions of transformers' ACT2FN that BERT checkpoints use.</summary>
internal enum HiddenActivationKind
{
    /// <summary><c>gelu</c>: exact erf GELU.</summary>
    Gelu,

    /// <summary><c>gelu_new</c>, <c>gelu_pytorch_tanh</c>: tanh approximation.</summary>
    GeluTanh,

    /// <summary><c>relu</c>.</summary>
    Relu,
}

/// <summary>Maps <c>hidden_act</c> to its kernel.</summary>
internal static class HiddenActivation
{
    /// <summary>Parses a <c>hidden_act</c> value.</summary>
    /// <exception cref="BertFormatException">The name is not one of gelu, gelu_new, gelu_pytorch_tanh, relu.</exception>
    public static HiddenActivationKind Parse(string name) => name switch
    {
        "gelu" => HiddenActivationKind.Gelu,
        "gelu_new" or "gelu_pytorch_tanh" => HiddenActivationKind.GeluTanh,
        "relu" => HiddenActivationKind.Relu,
        _ => throw new BertFormatException("config.json", "hidden_act",
            $"Unsupported activation '{name}'; expected gelu, gelu_new, gelu_pytorch_tanh or relu."),
    };

    /// <summary>The same function fused into the GEMM epilogue (applied while the output tile is still in registers).</summary>
    public static GemmActivation ToGemm(HiddenActivationKind kind) => kind switch
    {
        HiddenActivationKind.Gelu => GemmActivation.Gelu,
        HiddenActivationKind.GeluTanh => GemmActivation.GeluTanh,
        _ => GemmActivation.Relu,
    };
}
