using Bert.Loading;

namespace Bert.Tests.Model;

/// <summary>A seeded random BERT checkpoint held in memory, exposed as an <see cref="IWeightSource"/> for model tests.</summary>
internal sealed class RandomCheckpoint : IWeightSource
{
    private readonly Dictionary<string, (float[] Data, int[] Shape)> _tensors = new();

    public RandomCheckpoint(BertConfig config, int seed, bool pooler = true, bool mlm = false, bool nsp = false,
        bool classifier = false, bool qa = false, bool untiedDecoder = false)
    {
        Config = config;
        var rng = new Random(seed);
        int h = config.HiddenSize, i = config.IntermediateSize, v = config.VocabSize;
        Add(rng, "embeddings.word_embeddings.weight", 1.0, v, h);
        Add(rng, "embeddings.position_embeddings.weight", 1.0, config.MaxPositionEmbeddings, h);
        Add(rng, "embeddings.token_type_embeddings.weight", 1.0, config.TypeVocabSize, h);
        AddLayerNorm(rng, "embeddings.LayerNorm", h);
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            string p = $"encoder.layer.{l}";
            foreach (var name in new[] { "query", "key", "value" }) AddLinear(rng, $"{p}.attention.self.{name}", h, h);
            AddLinear(rng, $"{p}.attention.output.dense", h, h);
            AddLayerNorm(rng, $"{p}.attention.output.LayerNorm", h);
            AddLinear(rng, $"{p}.intermediate.dense", i, h);
            AddLinear(rng, $"{p}.output.dense", h, i);
            AddLayerNorm(rng, $"{p}.output.LayerNorm", h);
        }
        if (pooler) AddLinear(rng, "pooler.dense", h, h);
        if (mlm)
        {
            AddLinear(rng, "cls.predictions.transform.dense", h, h);
            AddLayerNorm(rng, "cls.predictions.transform.LayerNorm", h);
            Add(rng, "cls.predictions.bias", 0.5, v);
            if (untiedDecoder) Add(rng, "cls.predictions.decoder.weight", 1.0 / Math.Sqrt(h), v, h);
        }
        if (nsp) AddLinear(rng, "cls.seq_relationship", 2, h);
        if (classifier) AddLinear(rng, "classifier", config.Id2Label.Count > 0 ? config.Id2Label.Count : 2, h);
        if (qa) AddLinear(rng, "qa_outputs", 2, h);
    }

    public BertConfig Config { get; }

    /// <summary>The tensor as stored (for the reference implementation).</summary>
    public float[] this[string name] => _tensors[name].Data;

    public static BertConfig TinyConfig(string act = "gelu", int labels = 0) => new()
    {
        VocabSize = 50, HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 24,
        MaxPositionEmbeddings = 24, TypeVocabSize = 2, HiddenAct = act,
        Id2Label = Enumerable.Range(0, labels).ToDictionary(k => k, k => $"LABEL_{k}"),
    };

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public ReadOnlyMemory<float> Get(string name, ReadOnlySpan<int> shape)
    {
        if (!_tensors.TryGetValue(name, out var t)) throw new BertFormatException("memory", name, "missing");
        if (!shape.SequenceEqual(t.Shape)) throw new BertFormatException("memory", name, "wrong shape");
        return t.Data;
    }

    public void Remove(string name) => _tensors.Remove(name);

    private void AddLinear(Random rng, string prefix, int outFeatures, int inFeatures)
    {
        // Scale 1/√in keeps activations O(1) so every layer's contribution is visible in the output.
        Add(rng, prefix + ".weight", 1.0 / Math.Sqrt(inFeatures), outFeatures, inFeatures);
        Add(rng, prefix + ".bias", 0.2, outFeatures);
    }

    private void AddLayerNorm(Random rng, string prefix, int h)
    {
        var gamma = new float[h];
        for (int k = 0; k < h; k++) gamma[k] = (float)(1 + 0.3 * Normal(rng));
        _tensors[prefix + ".weight"] = (gamma, [h]);
        Add(rng, prefix + ".bias", 0.2, h);
    }

    private void Add(Random rng, string name, double scale, params int[] shape)
    {
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int k = 0; k < data.Length; k++) data[k] = (float)(scale * Normal(rng));
        _tensors[name] = (data, shape);
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
