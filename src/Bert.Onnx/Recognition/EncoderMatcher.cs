using Bert.Onnx.Graph;

namespace Bert.Onnx.Recognition;

/// <summary>Recognises <c>BertEmbeddings</c> and the chain of <c>BertLayer</c>s by following the dataflow from the
/// word-embedding lookup of the <c>input_ids</c> graph input.</summary>
internal static class EncoderMatcher
{
    /// <summary>Sum of the three lookups → LayerNorm. The word table is the one gathered by <c>input_ids</c> (or, failing
    /// that name, the largest table gathered by a graph input); the token-type table is gathered by another graph input;
    /// the position table by positions computed in the graph.</summary>
    public static EmbeddingsMatch Embeddings(GraphIndex g)
    {
        var lookups = g.Graph.Nodes.Where(n => n.OpType == "Gather" && g.IsGraphInput(n.Input(1)) && Table(g, n) is not null).ToList();
        var word = lookups.FirstOrDefault(n => n.Input(1) == "input_ids")
            ?? lookups.OrderByDescending(n => Table(g, n)!.Dims[0]).FirstOrDefault()
            ?? throw g.Error("input_ids", "no embedding lookup Gather(table, input_ids) was found: this does not look like a BERT export");

        string sum = word.Outputs[0];
        LayerNormMatch? norm = null;
        for (int hops = 0; hops < 4 && norm is null; hops++)
        {
            norm = LayerNormMatcher.Find(g, sum);
            if (norm is null && g.Consumers(sum).ToList() is [{ OpType: "Add" } add]) sum = add.Outputs[0];
            else if (norm is null) break;
        }
        if (norm is null) throw g.Error(word.Outputs[0], "the word embeddings do not reach a LayerNorm through additions");

        var leaves = new List<OnnxNode>();
        CollectLookups(g, sum, leaves, 0);
        var others = leaves.Where(n => n != word).ToList();
        // Token types come from a graph input; positions are computed in the graph (Range or a slice of position_ids).
        var type = others.FirstOrDefault(n => g.IsGraphInput(n.Input(1)));
        var position = type is null ? others.OrderByDescending(n => Table(g, n)!.Dims[0]).FirstOrDefault() : others.FirstOrDefault(n => n != type);
        type ??= others.FirstOrDefault(n => n != position);
        if (others.Count != 2 || type is null || position is null)
            throw g.Error(norm.Weight.Name, $"the embedding sum has {leaves.Count} table lookups; BERT has three (word, position, token type)");
        return new EmbeddingsMatch(Table(g, word)!, Table(g, position)!, Table(g, type)!, norm);
    }

    /// <summary>Every layer from the embeddings' output on; returns the layers and the encoder's output tensor.</summary>
    public static (List<LayerMatch> Layers, string Output) Layers(GraphIndex g, string x, int hidden)
    {
        var layers = new List<LayerMatch>();
        var visited = new HashSet<string>(StringComparer.Ordinal) { x };
        while (true)
        {
            var projections = LinearMatcher.From(g, x).Where(l => l.In == hidden && l.Out == hidden).ToList();
            if (projections.Count != 3) break;
            var attention = AttentionMatcher.Match(g, projections, hidden)
                ?? throw g.Error(projections[0].Bias.Name, $"layer {layers.Count}: three projections of the hidden state do not form BERT self-attention");
            layers.Add(Layer(g, x, attention, hidden, layers.Count));
            x = layers[^1].OutputNorm.Output;
            if (!visited.Add(x)) throw g.Error(x, "the layers form a cycle: an ONNX graph must be acyclic");
        }
        return (layers, x);
    }

    private static LayerMatch Layer(GraphIndex g, string x, AttentionMatcher.Result attention, int hidden, int index)
    {
        string where = $"layer {index}";
        var dense = LinearMatcher.From(g, g.SkipViews(attention.Context)).SingleOrDefault(l => l.In == hidden && l.Out == hidden)
            ?? throw g.Error(attention.Query.Bias.Name, $"{where}: the attention context feeds no output Linear");
        var attentionNorm = ResidualNorm(g, dense, x, $"{where} attention output");
        var intermediates = LinearMatcher.From(g, attentionNorm.Output).Where(l => l.In == hidden).ToList();
        if (intermediates is not [var intermediate])
            throw g.Error(attentionNorm.Weight.Name, $"{where}: the attention output feeds {intermediates.Count} Linear layers where BERT has one (intermediate.dense)");
        var (activation, output) = ActivationMatcher.Match(g, g.SkipViews(intermediate.Output), intermediate.Out, hidden, where);
        var outputNorm = ResidualNorm(g, output, attentionNorm.Output, $"{where} output");
        return new LayerMatch(attention.Query, attention.Key, attention.Value, attention.Heads, dense, attentionNorm,
            intermediate, activation, output, outputNorm);
    }

    // LayerNorm(linear(...) + residual), the residual Add in either operand order.
    private static LayerNormMatch ResidualNorm(GraphIndex g, LinearMatch linear, string residual, string where)
    {
        string y = g.SkipViews(linear.Output);
        var add = g.Consumers(y).FirstOrDefault(n => n.OpType == "Add" && GraphIndex.Other(n, y) is { } r && g.SkipViewsBack(r) == g.SkipViewsBack(residual))
            ?? throw g.Error(linear.Bias.Name, $"{where}: no residual Add joins the Linear's output to its input");
        return LayerNormMatcher.Find(g, add.Outputs[0]) ?? throw g.Error(linear.Bias.Name, $"{where}: the residual sum reaches no LayerNorm");
    }

    private static void CollectLookups(GraphIndex g, string tensor, List<OnnxNode> into, int depth)
    {
        var producer = g.Producer(tensor);
        if (producer is null || depth > 4) return;
        if (producer.OpType == "Gather" && Table(g, producer) is not null) into.Add(producer);
        else if (producer.OpType == "Add")
        {
            CollectLookups(g, producer.Input(0), into, depth + 1);
            CollectLookups(g, producer.Input(1), into, depth + 1);
        }
    }

    private static OnnxTensor? Table(GraphIndex g, OnnxNode gather) =>
        gather.Int("axis", 0) == 0 && g.Initializer(gather.Input(0)) is { Dims.Count: 2 } t && LinearMatcher.IsFloat(t) ? t : null;
}
