using static Bert.Synthetic.Onnx.OnnxGraph;

namespace Bert.Synthetic.Onnx;

/// <summary>
/// The BERT forward pass as a standard-operator ONNX graph (opset 17), written from transformers' modeling_bert.py
/// (eager attention) and independent of this project's C# engine, so that ONNX Runtime can serve as its reference.
/// </summary>
/// <remarks>
/// Inputs <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>: int64 [batch, sequence]. Weights are
/// initializers named with the canonical (bare) Hugging Face tensor names; Linear layers are
/// <c>Gemm(x, W, b, transB=1)</c> = x·Wᵀ + b. Attention mask as HF: <c>(1 − mask) · float32.MinValue</c> added to
/// <c>QKᵀ / √d</c> before Softmax.
/// </remarks>
internal sealed class BertOnnxGraph
{
    private readonly OnnxGraph _g = new();
    private readonly BertConfig _c;
    private readonly Dictionary<int, string> _tokenShapes = [];

    private BertOnnxGraph(BertConfig config) => _c = config;

    /// <summary>Graph outputs of a head, in order, as an optimum export names them.</summary>
    public static IReadOnlyList<string> OutputNames(SyntheticHead head) => head switch
    {
        SyntheticHead.BertModel => ["last_hidden_state", "pooler_output"],
        SyntheticHead.PreTraining => ["prediction_logits", "seq_relationship_logits"],
        SyntheticHead.QuestionAnswering => ["start_logits", "end_logits"],
        _ => ["logits"],
    };

    public static OnnxGraph Build(BertConfig config, SyntheticOptions options)
    {
        var b = new BertOnnxGraph(config);
        b.Declare(options);
        b.Forward(options);
        return b._g;
    }

    private void Declare(SyntheticOptions options)
    {
        foreach (var input in new[] { "input_ids", "attention_mask", "token_type_ids" }) _g.Input(input, Int64Type, "batch", "sequence");
        int h = _c.HiddenSize, v = _c.VocabSize, l = options.NumLabels;
        switch (options.Head)
        {
            case SyntheticHead.BertModel:
                _g.Output("last_hidden_state", FloatType, "batch", "sequence", h);
                _g.Output("pooler_output", FloatType, "batch", h);
                break;
            case SyntheticHead.MaskedLM: _g.Output("logits", FloatType, "batch", "sequence", v); break;
            case SyntheticHead.NextSentencePrediction: _g.Output("logits", FloatType, "batch", 2); break;
            case SyntheticHead.PreTraining:
                _g.Output("prediction_logits", FloatType, "batch", "sequence", v);
                _g.Output("seq_relationship_logits", FloatType, "batch", 2);
                break;
            case SyntheticHead.SequenceClassification: _g.Output("logits", FloatType, "batch", l); break;
            case SyntheticHead.TokenClassification: _g.Output("logits", FloatType, "batch", "sequence", l); break;
            case SyntheticHead.QuestionAnswering:
                _g.Output("start_logits", FloatType, "batch", "sequence");
                _g.Output("end_logits", FloatType, "batch", "sequence");
                break;
        }
        if (options.OnnxHiddenStates)
            for (int i = 0; i <= _c.NumHiddenLayers; i++) _g.Output($"hidden_states.{i}", FloatType, "batch", "sequence", h);
    }

    private void Forward(SyntheticOptions options)
    {
        string? Named(int i) => options.OnnxHiddenStates ? $"hidden_states.{i}" : null;
        string x = Embeddings(Named(0));
        string mask = ExtendedAttentionMask();
        for (int i = 0; i < _c.NumHiddenLayers; i++) x = Layer(x, mask, $"encoder.layer.{i}.", Named(i + 1));

        var head = options.Head;
        string? pooled = SyntheticOptions.HasPooler(head) ? Pooler(x, head == SyntheticHead.BertModel ? "pooler_output" : null) : null;
        switch (head)
        {
            case SyntheticHead.BertModel:
                _g.Node("Identity", [x], "last_hidden_state");
                break;
            case SyntheticHead.MaskedLM:
                MlmHead(x, options.Decoder, "logits");
                break;
            case SyntheticHead.PreTraining:
                MlmHead(x, options.Decoder, "prediction_logits");
                Linear(pooled!, "cls.seq_relationship", 2, "seq_relationship_logits", perToken: false);
                break;
            case SyntheticHead.NextSentencePrediction:
                Linear(pooled!, "cls.seq_relationship", 2, "logits", perToken: false);
                break;
            case SyntheticHead.SequenceClassification:
                Linear(pooled!, "classifier", options.NumLabels, "logits", perToken: false);
                break;
            case SyntheticHead.TokenClassification:
                Linear(x, "classifier", options.NumLabels, "logits");
                break;
            case SyntheticHead.QuestionAnswering:
                string both = Linear(x, "qa_outputs", 2);                 // [b, s, 2]
                _g.Node("Gather", [both, Scalar(0)], "start_logits", IntAttribute("axis", 2));
                _g.Node("Gather", [both, Scalar(1)], "end_logits", IntAttribute("axis", 2));
                break;
        }
    }

    // BertEmbeddings: LayerNorm((word[ids] + type[token_type_ids]) + position[0..s)).
    private string Embeddings(string? output)
    {
        int h = _c.HiddenSize;
        string shape = _g.Node("Shape", ["input_ids"]);
        string length = _g.Node("Gather", [shape, Scalar(1)]);            // scalar s
        string positions = _g.Node("Range", [Scalar(0), length, Scalar(1)]); // [s]
        string words = _g.Node("Gather", [_g.Weight("embeddings.word_embeddings.weight", _c.VocabSize, h), "input_ids"]);
        string types = _g.Node("Gather", [_g.Weight("embeddings.token_type_embeddings.weight", _c.TypeVocabSize, h), "token_type_ids"]);
        string place = _g.Node("Gather", [_g.Weight("embeddings.position_embeddings.weight", _c.MaxPositionEmbeddings, h), positions]);
        string sum = _g.Node("Add", [_g.Node("Add", [words, types]), place]);
        return LayerNorm(sum, "embeddings.LayerNorm", output);
    }

    // get_extended_attention_mask: (1 − mask)[:, None, None, :] · finfo(float32).min  → [b, 1, 1, s].
    private string ExtendedAttentionMask()
    {
        string mask = _g.Node("Cast", ["attention_mask"], null, IntAttribute("to", FloatType));
        string inverted = _g.Node("Sub", [_g.FloatScalar(1f), mask]);
        string scaled = _g.Node("Mul", [inverted, _g.FloatScalar(float.MinValue)]);
        return _g.Node("Unsqueeze", [scaled, _g.Int64Constant([1, 2], [2])]);
    }

    // BertLayer: BertAttention (self-attention, BertSelfOutput) → BertIntermediate → BertOutput.
    private string Layer(string x, string mask, string p, string? output)
    {
        int h = _c.HiddenSize, d = _c.HeadSize;
        string q = SplitHeads(x, p + "attention.self.query", 0, 2, 1, 3);   // [b, nh, s, d]
        string kT = SplitHeads(x, p + "attention.self.key", 0, 2, 3, 1);   // [b, nh, d, s], so QKᵀ is a plain MatMul
        string v = SplitHeads(x, p + "attention.self.value", 0, 2, 1, 3);  // [b, nh, s, d]
        string scores = _g.Node("Div", [_g.Node("MatMul", [q, kT]), _g.FloatScalar((float)Math.Sqrt(d))]); // [b, nh, s, s]
        string probs = _g.Node("Softmax", [_g.Node("Add", [scores, mask])], null, IntAttribute("axis", -1));
        string context = _g.Node("Transpose", [_g.Node("MatMul", [probs, v])], null, IntsAttribute("perm", 0, 2, 1, 3));
        context = _g.Node("Reshape", [context, _g.Int64Constant([0, 0, h], [3])]);     // [b, s, H]

        string attention = LayerNorm(_g.Node("Add", [Linear(context, p + "attention.output.dense", h), x]), p + "attention.output.LayerNorm");
        string intermediate = Activation(Linear(attention, p + "intermediate.dense", _c.IntermediateSize));
        string ffn = Linear(intermediate, p + "output.dense", h, null, _c.IntermediateSize);
        return LayerNorm(_g.Node("Add", [ffn, attention]), p + "output.LayerNorm", output);
    }

    // transpose_for_scores: Linear → [b, s, nh, d] → permuted.
    private string SplitHeads(string x, string module, params long[] perm)
    {
        string split = _g.Node("Reshape", [Linear(x, module, _c.HiddenSize), _g.Int64Constant([0, 0, _c.NumAttentionHeads, _c.HeadSize], [4])]);
        return _g.Node("Transpose", [split], null, IntsAttribute("perm", perm));
    }

    // BertPooler: tanh(dense(h[:, 0])).
    private string Pooler(string x, string? output)
    {
        string first = _g.Node("Gather", [x, Scalar(0)], null, IntAttribute("axis", 1)); // [b, H]
        string dense = Linear(first, "pooler.dense", _c.HiddenSize, perToken: false);
        return _g.Node("Tanh", [dense], output);
    }

    // BertLMPredictionHead: LayerNorm(act(dense(h))) · Eᵀ + bias, E = word embeddings unless untied.
    private void MlmHead(string x, MlmDecoderStorage decoder, string output)
    {
        int h = _c.HiddenSize, v = _c.VocabSize;
        string t = LayerNorm(Activation(Linear(x, "cls.predictions.transform.dense", h)), "cls.predictions.transform.LayerNorm");
        string weight = decoder == MlmDecoderStorage.Untied
            ? _g.Weight("cls.predictions.decoder.weight", v, h)
            : _g.Weight("embeddings.word_embeddings.weight", v, h);
        Gemm(t, weight, _g.Weight("cls.predictions.bias", v), v, h, output, perToken: true);
    }

    // nn.Linear: x · Wᵀ + b with W [out, in] as stored, as Gemm(transB=1) so that no transposed copy is needed
    // (constant-folding Transpose nodes tripled ORT's session-creation time). Token inputs [b, s, in] are flattened.
    private string Linear(string x, string module, int outFeatures, string? output = null, int? inFeatures = null, bool perToken = true)
    {
        int inSize = inFeatures ?? _c.HiddenSize;
        string w = _g.Weight(module + ".weight", outFeatures, inSize), bias = _g.Weight(module + ".bias", outFeatures);
        return Gemm(x, w, bias, outFeatures, inSize, output, perToken);
    }

    private string Gemm(string x, string w, string bias, int outFeatures, int inFeatures, string? output, bool perToken)
    {
        if (!perToken) return _g.Node("Gemm", [x, w, bias], output, IntAttribute("transB", 1));
        string rows = _g.Node("Reshape", [x, _g.Int64Constant([-1, inFeatures], [2])]);          // [b·s, in]
        string product = _g.Node("Gemm", [rows, w, bias], null, IntAttribute("transB", 1));      // [b·s, out]
        return _g.Node("Reshape", [product, TokenShape(outFeatures)], output);                   // [b, s, out]
    }

    // [b, s, width] as a shape tensor: Concat(Shape(input_ids), [width]).
    private string TokenShape(int width)
    {
        if (!_tokenShapes.TryGetValue(width, out var shape))
            _tokenShapes[width] = shape = _g.Node("Concat", [_g.Node("Shape", ["input_ids"]), _g.Int64Constant([width], [1])], null, IntAttribute("axis", 0));
        return shape;
    }

    private string LayerNorm(string x, string module, string? output = null) =>
        _g.Node("LayerNormalization", [x, _g.Weight(module + ".weight", _c.HiddenSize), _g.Weight(module + ".bias", _c.HiddenSize)],
            output, IntAttribute("axis", -1), FloatAttribute("epsilon", _c.LayerNormEps));

    // ACT2FN: gelu = x·½·(1 + erf(x/√2)); gelu_new / gelu_pytorch_tanh = ½x(1 + tanh(√(2/π)(x + 0.044715x³))); relu.
    private string Activation(string x)
    {
        switch (_c.HiddenAct)
        {
            case "relu":
                return _g.Node("Relu", [x]);
            case "gelu":
                string erf = _g.Node("Erf", [_g.Node("Mul", [x, _g.FloatScalar((float)(1 / Math.Sqrt(2)))])]);
                return _g.Node("Mul", [_g.Node("Mul", [x, _g.FloatScalar(0.5f)]), _g.Node("Add", [erf, _g.FloatScalar(1f)])]);
            default:
                string cube = _g.Node("Mul", [_g.Node("Mul", [x, x]), x]);
                string inner = _g.Node("Add", [x, _g.Node("Mul", [cube, _g.FloatScalar(0.044715f)])]);
                string tanh = _g.Node("Tanh", [_g.Node("Mul", [inner, _g.FloatScalar((float)Math.Sqrt(2 / Math.PI))])]);
                return _g.Node("Mul", [_g.Node("Mul", [x, _g.FloatScalar(0.5f)]), _g.Node("Add", [tanh, _g.FloatScalar(1f)])]);
        }
    }

    private string Scalar(long value) => _g.Int64Constant([value], []);
}
