using Bert.Onnx.Graph;

namespace Bert.Onnx.Recognition;

/// <summary>One tensor of the recovered checkpoint: its source in the graph and whether it is stored <c>[in, out]</c>.</summary>
internal sealed record TensorSource(OnnxTensor Tensor, bool Transpose);

/// <summary>What an ONNX graph was recognised as: the architecture, the config and every HF tensor.</summary>
internal sealed record RecognizedBert(BertConfig Config, IReadOnlyList<(string Name, TensorSource Source)> Tensors, bool TieWordEmbeddings);

/// <summary>Recognises a BERT in an ONNX graph by its dataflow (embeddings → layers → heads) and names its tensors
/// as transformers' <c>modeling_bert.py</c> does.</summary>
internal static class BertGraphRecognizer
{
    public static RecognizedBert Recognize(OnnxModelFile file)
    {
        var g = new GraphIndex(file);
        var embeddings = EncoderMatcher.Embeddings(g);
        int hidden = (int)embeddings.Word.Dims[1], vocab = (int)embeddings.Word.Dims[0];
        if (embeddings.Position.Dims[1] != hidden || embeddings.TokenType.Dims[1] != hidden || embeddings.Norm.Weight.Dims[0] != hidden)
            throw g.Error(embeddings.Word.Name, "the embedding tables and their LayerNorm disagree on the hidden size");
        var (layers, output) = EncoderMatcher.Layers(g, embeddings.Norm.Output, hidden);
        if (layers.Count == 0)
            throw g.Error(embeddings.Norm.Output, "no encoder layer (query/key/value projections meeting in a softmax attention) follows the embeddings");
        var heads = HeadMatcher.Match(g, output, hidden, vocab);

        var first = layers[0];
        foreach (var (layer, i) in layers.Select((l, i) => (l, i)))
        {
            if (layer.Heads != first.Heads || layer.Activation != first.Activation || layer.Intermediate.Out != first.Intermediate.Out)
                throw g.Error($"layer {i}", "differs from layer 0 in heads, activation or intermediate size; BERT layers are identical in shape");
        }
        var norms = layers.SelectMany(l => new[] { l.AttentionNorm, l.OutputNorm }).Prepend(embeddings.Norm)
            .Concat(heads.MlmNorm is null ? [] : [heads.MlmNorm]).ToList();
        if (norms.Any(n => n.Eps != embeddings.Norm.Eps))
            throw g.Error(norms.First(n => n.Eps != embeddings.Norm.Eps).Weight.Name, $"has LayerNorm ε {norms.First(n => n.Eps != embeddings.Norm.Eps).Eps:R} where the embeddings use {embeddings.Norm.Eps:R}; BERT has one layer_norm_eps");
        if (heads.MlmActivation is not null && heads.MlmActivation != first.Activation)
            throw g.Error("cls.predictions.transform", $"uses {heads.MlmActivation} where the encoder uses {first.Activation}; BERT has one hidden_act");

        string architecture = Architecture(heads);
        bool tied = heads.MlmDecoder is null || IsTied(file, heads.MlmDecoder, embeddings.Word);
        var labels = heads.PooledIsNextSentence || heads.TokenIsQuestionAnswering ? 0
            : heads.PooledClassifier?.Out ?? heads.TokenClassifier?.Out ?? 0;
        var config = new BertConfig
        {
            VocabSize = vocab,
            HiddenSize = hidden,
            NumHiddenLayers = layers.Count,
            NumAttentionHeads = first.Heads,
            IntermediateSize = first.Intermediate.Out,
            HiddenAct = first.Activation,
            MaxPositionEmbeddings = (int)embeddings.Position.Dims[0],
            TypeVocabSize = (int)embeddings.TokenType.Dims[0],
            LayerNormEps = embeddings.Norm.Eps,
            Architectures = [architecture],
            Id2Label = Enumerable.Range(0, labels).ToDictionary(i => i, i => $"LABEL_{i}"),
            Label2Id = Enumerable.Range(0, labels).ToDictionary(i => $"LABEL_{i}", i => i),
        };
        return new RecognizedBert(config, Tensors(architecture == "BertModel" ? "" : "bert.", embeddings, layers, heads, tied), tied);
    }

    private static string Architecture(HeadsMatch h) =>
        h.MlmDecoder is not null && h.PooledIsNextSentence ? "BertForPreTraining"
        : h.MlmDecoder is not null ? "BertForMaskedLM"
        : h.PooledClassifier is not null ? (h.PooledIsNextSentence ? "BertForNextSentencePrediction" : "BertForSequenceClassification")
        : h.TokenClassifier is not null ? (h.TokenIsQuestionAnswering ? "BertForQuestionAnswering" : "BertForTokenClassification")
        : "BertModel";

    // Tied when the decoder reads the word-embedding initializer itself, or a copy with identical values.
    private static bool IsTied(OnnxModelFile file, LinearMatch decoder, OnnxTensor word)
    {
        if (ReferenceEquals(decoder.Weight.Tensor, word) && !decoder.Weight.StoredInOut) return true;
        float[] w = OnnxTensorValues.Floats(file, word), d = OnnxTensorValues.Floats(file, decoder.Weight.Tensor);
        if (w.Length != d.Length) return false;
        int rows = (int)word.Dims[0], cols = (int)word.Dims[1];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                if (w[r * cols + c] != (decoder.Weight.StoredInOut ? d[c * rows + r] : d[r * cols + c])) return false;
        return true;
    }

    private static List<(string, TensorSource)> Tensors(string p, EmbeddingsMatch e, List<LayerMatch> layers, HeadsMatch h, bool tied)
    {
        var list = new List<(string, TensorSource)>
        {
            (p + "embeddings.word_embeddings.weight", new(e.Word, false)),
            (p + "embeddings.position_embeddings.weight", new(e.Position, false)),
            (p + "embeddings.token_type_embeddings.weight", new(e.TokenType, false)),
        };
        Norm(list, p + "embeddings.LayerNorm", e.Norm);
        for (int i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            string q = $"{p}encoder.layer.{i}.";
            Linear(list, q + "attention.self.query", l.Query);
            Linear(list, q + "attention.self.key", l.Key);
            Linear(list, q + "attention.self.value", l.Value);
            Linear(list, q + "attention.output.dense", l.AttentionOutput);
            Norm(list, q + "attention.output.LayerNorm", l.AttentionNorm);
            Linear(list, q + "intermediate.dense", l.Intermediate);
            Linear(list, q + "output.dense", l.Output);
            Norm(list, q + "output.LayerNorm", l.OutputNorm);
        }
        if (h.Pooler is not null) Linear(list, p + "pooler.dense", h.Pooler);
        if (h.MlmDecoder is not null)
        {
            Linear(list, "cls.predictions.transform.dense", h.MlmTransform!);
            Norm(list, "cls.predictions.transform.LayerNorm", h.MlmNorm!);
            list.Add(("cls.predictions.bias", new(h.MlmDecoder.Bias, false)));
            if (!tied) list.Add(("cls.predictions.decoder.weight", new(h.MlmDecoder.Weight.Tensor, h.MlmDecoder.Weight.StoredInOut)));
        }
        if (h.PooledClassifier is not null) Linear(list, h.PooledIsNextSentence ? "cls.seq_relationship" : "classifier", h.PooledClassifier);
        if (h.TokenClassifier is not null) Linear(list, h.TokenIsQuestionAnswering ? "qa_outputs" : "classifier", h.TokenClassifier);
        return list;
    }

    private static void Linear(List<(string, TensorSource)> list, string module, LinearMatch m)
    {
        list.Add((module + ".weight", new(m.Weight.Tensor, m.Weight.StoredInOut)));
        list.Add((module + ".bias", new(m.Bias, false)));
    }

    private static void Norm(List<(string, TensorSource)> list, string module, LayerNormMatch m)
    {
        list.Add((module + ".weight", new(m.Weight, false)));
        list.Add((module + ".bias", new(m.Bias, false)));
    }
}
