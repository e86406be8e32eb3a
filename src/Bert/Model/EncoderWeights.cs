using Bert.Kernels;
using Bert.Loading;

namespace Bert.Model;

/// <summary>
/// A weight source that also makes the encoder's linear layers in the format the GEMM runs fastest
/// (<see cref="WeightLoader.Linear"/> and <see cref="WeightLoader.Stacked"/> ask it first): F32 packed into panels
/// (<see cref="LinearWeightFormat.Float32Packed"/>, on AVX-512), bfloat16 or int8 (<see cref="BertWeightType"/>).
/// </summary>
/// <remarks>
/// Only layers under <c>encoder.layer.</c> are converted (they are ~99 % of the GEMM time; heads and the pooler run
/// once per sequence and keep their [out, in] views). bfloat16 tensors of a checkpoint are packed from their bits in
/// the memory map (never widened); other dtypes are read as F32 and converted into new arrays, after which their
/// mapped pages are released from the working set, so the source data is touched once at load and resident memory
/// holds the converted weights only (F32: the packed copy instead of the mapped pages, not both).
/// </remarks>
internal sealed class EncoderWeights(IWeightSource inner, BertWeightType type) : IWeightSource
{
    private const string EncoderPrefix = "encoder.layer.";

    /// <summary>The format the encoder's linear layers get.</summary>
    public BertWeightType Type => type;

    /// <summary>
    /// Wraps <paramref name="weights"/> unless there is nothing to convert (F32 on a CPU without AVX-512, where the
    /// GEMM reads the [out, in] views in place).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined value.</exception>
    public static IWeightSource Wrap(IWeightSource weights, BertWeightType type) => type switch
    {
        BertWeightType.Float32 => GemmPrepacked.IsAccelerated ? new EncoderWeights(weights, type) : weights,
        BertWeightType.BFloat16 or BertWeightType.Int8 => new EncoderWeights(weights, type),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown BertWeightType."),
    };

    /// <inheritdoc />
    public bool Contains(string name) => inner.Contains(name);

    /// <inheritdoc />
    public ReadOnlyMemory<float> Get(string name, ReadOnlySpan<int> shape) => inner.Get(name, shape);

    /// <summary>The layer <c>{prefix}.weight</c>/<c>.bias</c> in this source's format, or null when the layer stays a view.</summary>
    public LinearWeight? TryLinear(string prefix, int outFeatures, int inFeatures)
    {
        if (!prefix.StartsWith(EncoderPrefix, StringComparison.Ordinal)) return null;
        string weightName = prefix + ".weight";
        var bias = inner.Get(prefix + ".bias", [outFeatures]);
        if (type == BertWeightType.BFloat16 && inner is CheckpointWeights checkpoint
            && checkpoint.TryGetBFloat16Bits(weightName, [outFeatures, inFeatures]) is { } bits)
        {
            var packed = LinearWeight.CreateBFloat16(bits, bias, outFeatures, inFeatures); // a bfloat16 copy, never F32
            checkpoint.ReleasePages(weightName);
            return packed;
        }
        var f32 = LinearWeight.Create(inner.Get(weightName, [outFeatures, inFeatures]), bias, outFeatures, inFeatures);
        var converted = type switch
        {
            BertWeightType.Float32 => LinearWeight.PackFloat32(f32),
            BertWeightType.BFloat16 => f32.ToBFloat16(),
            _ => f32.ToInt8(),
        };
        // Resident memory = the converted weights, not the source plus a copy: the pages just read leave the working set.
        (inner as CheckpointWeights)?.ReleasePages(weightName);
        return converted;
    }

    /// <summary>
    /// F32 encoder layers stacked along the output dimension and packed straight from the parts' views into one array
    /// (no per-part copy), or null: outside the encoder, and for bfloat16/int8, whose parts
    /// <see cref="WeightLoader.Stacked"/> converts one by one (<see cref="TryLinear"/>) and then stacks.
    /// </summary>
    public LinearWeight? TryStacked(ReadOnlySpan<string> prefixes, int outFeatures, int inFeatures)
    {
        if (type != BertWeightType.Float32) return null;
        foreach (var prefix in prefixes)
            if (!prefix.StartsWith(EncoderPrefix, StringComparison.Ordinal)) return null;
        var parts = new LinearWeight[prefixes.Length];
        for (int i = 0; i < parts.Length; i++)
            parts[i] = LinearWeight.Create(inner.Get(prefixes[i] + ".weight", [outFeatures, inFeatures]), inner.Get(prefixes[i] + ".bias", [outFeatures]), outFeatures, inFeatures);
        var stacked = LinearWeight.PackFloat32(parts);
        foreach (var prefix in prefixes) (inner as CheckpointWeights)?.ReleasePages(prefix + ".weight");
        return stacked;
    }
}
