using Bert.Kernels;
using Bert.Loading;

namespace Bert.Model;

/// <summary>
/// A weight source that also makes the encoder's linear layers in a reduced-precision format
/// (<see cref="BertWeightType"/>): <see cref="WeightLoader.Linear"/> asks it first.
/// </summary>
/// <remarks>
/// Only layers under <c>encoder.layer.</c> are converted (see <see cref="BertWeightType"/> for why); everything else is
/// passed through. bfloat16 tensors of a checkpoint are packed from their bits in the memory map (never widened); other dtypes are read as F32
/// and converted into new arrays, after which their mapped pages are released from the working set, so the F32 data is
/// only touched once at load and resident memory holds the converted weights only.
/// </remarks>
internal sealed class ReducedPrecisionWeights(IWeightSource inner, BertWeightType type) : IWeightSource
{
    private const string EncoderPrefix = "encoder.layer.";

    /// <summary>The format the encoder's linear layers get.</summary>
    public BertWeightType Type => type;

    /// <summary>Wraps <paramref name="weights"/> when <paramref name="type"/> is not F32.</summary>
    public static IWeightSource Wrap(IWeightSource weights, BertWeightType type) => type switch
    {
        BertWeightType.Float32 => weights,
        BertWeightType.BFloat16 or BertWeightType.Int8 => new ReducedPrecisionWeights(weights, type),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown BertWeightType."),
    };

    /// <inheritdoc />
    public bool Contains(string name) => inner.Contains(name);

    /// <inheritdoc />
    public ReadOnlyMemory<float> Get(string name, ReadOnlySpan<int> shape) => inner.Get(name, shape);

    /// <summary>The layer <c>{prefix}.weight</c>/<c>.bias</c> in this source's format, or null when the layer stays F32.</summary>
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
        var converted = type == BertWeightType.BFloat16 ? f32.ToBFloat16() : f32.ToInt8();
        // Resident memory = the converted weights, not F32 plus a copy: the F32 pages just read leave the working set.
        (inner as CheckpointWeights)?.ReleasePages(weightName);
        return converted;
    }
}
