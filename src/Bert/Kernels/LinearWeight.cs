namespace Bert.Kernels;

/// <summary>How a <see cref="LinearWeight"/> stores its weight matrix (the bias and all arithmetic stay F32).</summary>
internal enum LinearWeightFormat
{
    /// <summary>F32 [out, in], usually a view of the memory-mapped checkpoint.</summary>
    Float32,

    /// <summary>
    /// F32 packed once at load into panels of 48 output channels (<see cref="PanelLayout"/>) for the
    /// micro-kernel: the same numbers as <see cref="Float32"/>, no per-call packing.
    /// </summary>
    Float32Packed,

    /// <summary>bfloat16 bit patterns [out, in] (the upper 16 bits of an F32), widened to F32 inside the GEMM.</summary>
    BFloat16,

    /// <summary>
    /// Symmetric int8 with one F32 scale per output channel, w[j, p] ≈ q[j, p] · scale[j], q ∈ [−127, 127], stored
    /// pre-packed for the integer GEMM (<see cref="Int8Quantization.PackedLength"/>).
    /// </summary>
    Int8,
}

/// <summary>
/// The weight and bias of one <c>nn.Linear</c> (weight [out, in], row-major) as <see cref="Gemm"/> consumes them.
/// </summary>
/// <remarks>Keeps references to the caller's memory (e.g. a memory-mapped checkpoint) rather than copying it.</remarks>
internal sealed class LinearWeight
{
    private LinearWeight(LinearWeightFormat format, int outFeatures, int inFeatures, ReadOnlyMemory<float> bias)
    {
        Format = format;
        OutFeatures = outFeatures;
        InFeatures = inFeatures;
        Bias = bias;
    }

    /// <summary>How the weight is stored.</summary>
    public LinearWeightFormat Format { get; }

    /// <summary>Columns of the input (k).</summary>
    public int InFeatures { get; }

    /// <summary>Columns of the output (n).</summary>
    public int OutFeatures { get; }

    /// <summary>F32 weight in nn.Linear layout [out, in]; empty unless <see cref="Format"/> is Float32.</summary>
    public ReadOnlyMemory<float> Weight { get; private init; }

    /// <summary>F32 weight packed by <see cref="GemmPrepacked.Pack"/>; empty unless <see cref="Format"/> is Float32Packed.</summary>
    public ReadOnlyMemory<float> WeightPacked { get; private init; }

    /// <summary>bfloat16 weight bits packed by <see cref="PanelLayout.Pack"/>; empty unless <see cref="Format"/> is BFloat16.</summary>
    public ReadOnlyMemory<ushort> WeightBFloat16 { get; private init; }

    /// <summary>Packed int8 weight (see <see cref="Int8Quantization.Pack"/>); empty unless <see cref="Format"/> is Int8.</summary>
    public ReadOnlyMemory<sbyte> WeightInt8 { get; private init; }

    /// <summary>Per-output-channel scales [out] of the int8 weight; empty otherwise.</summary>
    public ReadOnlyMemory<float> Scales { get; private init; }

    /// <summary>Bias [out], or empty when the layer has none.</summary>
    public ReadOnlyMemory<float> Bias { get; }

    /// <summary>Bytes of the stored weight (and scales): what this layer keeps resident besides its bias.</summary>
    public long WeightBytes => Format switch
    {
        LinearWeightFormat.Float32 => (long)Weight.Length * sizeof(float),
        LinearWeightFormat.Float32Packed => (long)WeightPacked.Length * sizeof(float),
        LinearWeightFormat.BFloat16 => (long)WeightBFloat16.Length * sizeof(ushort),
        _ => WeightInt8.Length + (long)Scales.Length * sizeof(float),
    };

    /// <summary>Wraps an F32 weight [out, in] and a bias [out] (empty: no bias).</summary>
    /// <exception cref="ArgumentException">A length does not match the dimensions.</exception>
    public static LinearWeight Create(ReadOnlyMemory<float> weight, ReadOnlyMemory<float> bias, int outFeatures, int inFeatures)
    {
        Check(weight.Length, bias, outFeatures, inFeatures, nameof(weight));
        return new LinearWeight(LinearWeightFormat.Float32, outFeatures, inFeatures, bias) { Weight = weight };
    }

    /// <summary>
    /// F32 layers [outᵢ, in] (e.g. views of a memory-mapped checkpoint) stacked along the output dimension and packed
    /// into 48-channel panels in one new array (<see cref="LinearWeightFormat.Float32Packed"/>); the parts' memory is
    /// read once and not kept. One part packs one layer; query, key and value give the fused [3·h, h] layer.
    /// </summary>
    /// <exception cref="ArgumentException">No parts, or a part is not F32, or they differ in InFeatures or in whether they have a bias.</exception>
    public static LinearWeight PackFloat32(params ReadOnlySpan<LinearWeight> parts)
    {
        var (n, k, bias) = StackedShape(parts);
        foreach (var p in parts)
            if (p.Format != LinearWeightFormat.Float32) throw new ArgumentException($"Only F32 [out, in] layers can be packed; a part is {p.Format}.", nameof(parts));
        var packed = new float[PanelLayout.PackedLength(n, k)]; // zeroed: the padding channels of the last panel
        int row = 0;
        foreach (var p in parts)
        {
            GemmPrepacked.Pack(p.Weight.Span, p.OutFeatures, k, row, packed);
            row += p.OutFeatures;
        }
        return new LinearWeight(LinearWeightFormat.Float32Packed, n, k, bias) { WeightPacked = packed };
    }

    /// <summary>
    /// bfloat16 weight bits [out, in] (e.g. a view of a BF16 checkpoint) packed into a new array of the same size for
    /// <see cref="GemmBFloat16"/>, and an F32 bias [out] (empty: no bias).
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match the dimensions.</exception>
    public static LinearWeight CreateBFloat16(ReadOnlyMemory<ushort> weight, ReadOnlyMemory<float> bias, int outFeatures, int inFeatures)
    {
        Check(weight.Length, bias, outFeatures, inFeatures, nameof(weight));
        var packed = new ushort[PanelLayout.PackedLength(outFeatures, inFeatures)];
        PanelLayout.Pack(weight.Span, outFeatures, inFeatures, packed);
        return new LinearWeight(LinearWeightFormat.BFloat16, outFeatures, inFeatures, bias) { WeightBFloat16 = packed };
    }

    /// <summary>Wraps an int8 weight packed by <see cref="Int8Quantization.Pack"/>, its scales [out] and an F32 bias [out].</summary>
    /// <exception cref="ArgumentException">A length does not match the dimensions.</exception>
    public static LinearWeight CreateInt8(ReadOnlyMemory<sbyte> packed, ReadOnlyMemory<float> scales, ReadOnlyMemory<float> bias, int outFeatures, int inFeatures)
    {
        if (outFeatures <= 0 || inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), "Dimensions must be positive.");
        Check(packed.Length, bias, outFeatures, inFeatures, nameof(packed), Int8Quantization.PackedLength(outFeatures, inFeatures));
        if (scales.Length != outFeatures) throw new ArgumentException($"Scales has {scales.Length} elements, expected {outFeatures}.", nameof(scales));
        return new LinearWeight(LinearWeightFormat.Int8, outFeatures, inFeatures, bias) { WeightInt8 = packed, Scales = scales };
    }

    /// <summary>This layer with its weight rounded to bfloat16 (round to nearest even, as torch's <c>.to(torch.bfloat16)</c>).</summary>
    /// <exception cref="InvalidOperationException">The weight is not F32.</exception>
    public LinearWeight ToBFloat16()
    {
        RequireFloat32();
        // Row by row into the packed layout: no [out, in] bfloat16 temporary (it would stay in the GC heap's footprint).
        int n = OutFeatures, k = InFeatures;
        var packed = new ushort[PanelLayout.PackedLength(n, k)];
        var row = new ushort[k];
        var w = Weight.Span;
        for (int j = 0; j < n; j++)
        {
            BFloat16.FromSingle(w.Slice(j * k, k), row);
            PanelLayout.PackRow<ushort>(row, j, k, packed);
        }
        return new LinearWeight(LinearWeightFormat.BFloat16, n, k, Bias) { WeightBFloat16 = packed };
    }

    /// <summary>This layer with its weight quantized to int8 per output channel (see <see cref="Int8Quantization.QuantizeWeights"/>).</summary>
    /// <exception cref="InvalidOperationException">The weight is not F32.</exception>
    public LinearWeight ToInt8()
    {
        RequireFloat32();
        var scales = new float[OutFeatures];
        var packed = new sbyte[Int8Quantization.PackedLength(OutFeatures, InFeatures)];
        Int8Quantization.QuantizeWeights(Weight.Span, OutFeatures, InFeatures, packed, scales);
        return CreateInt8(packed, scales, Bias, OutFeatures, InFeatures);
    }

    /// <summary>The weight widened back to F32 [out, in] (a new array; for tests and reference comparisons).</summary>
    public float[] ToFloat32Array()
    {
        var w = new float[(long)OutFeatures * InFeatures];
        switch (Format)
        {
            case LinearWeightFormat.Float32: Weight.Span.CopyTo(w); break;
            case LinearWeightFormat.Float32Packed: PanelLayout.Unpack(WeightPacked.Span, OutFeatures, InFeatures, w); break;
            case LinearWeightFormat.BFloat16:
                var bits = new ushort[w.Length];
                PanelLayout.Unpack(WeightBFloat16.Span, OutFeatures, InFeatures, bits);
                BFloat16.ToSingle(bits, w);
                break;
            default: Int8Quantization.Dequantize(WeightInt8.Span, Scales.Span, OutFeatures, InFeatures, w); break;
        }
        return w;
    }

    /// <summary>
    /// The layers stacked along the output dimension (e.g. query, key and value as one [3·h, h] GEMM): same format and
    /// input size; the result owns new arrays. y of the result = the parts' y side by side.
    /// </summary>
    /// <exception cref="ArgumentException">No parts, or they differ in format or InFeatures, or only some have a bias.</exception>
    public static LinearWeight Concatenate(params ReadOnlySpan<LinearWeight> parts)
    {
        var (n, k, bias) = StackedShape(parts);
        var first = parts[0];
        foreach (var p in parts)
            if (p.Format != first.Format) throw new ArgumentException("Layers to concatenate must share format, InFeatures and whether they have a bias.", nameof(parts));
        int row;
        // Parts whose channels fill whole 48-wide panels (all but the last) stack panel by panel: no unpacking.
        bool panelAligned = true;
        for (int i = 0; i < parts.Length - 1; i++) panelAligned &= parts[i].OutFeatures % PanelLayout.Width == 0;
        switch (first.Format)
        {
            case LinearWeightFormat.Float32Packed when panelAligned:
                return new LinearWeight(LinearWeightFormat.Float32Packed, n, k, bias) { WeightPacked = StackPacked<float>(parts, PanelLayout.PackedLength(n, k), static p => p.WeightPacked) };
            case LinearWeightFormat.Float32Packed:
                var views = new LinearWeight[parts.Length];
                for (int i = 0; i < parts.Length; i++) views[i] = Create(parts[i].ToFloat32Array(), parts[i].Bias, parts[i].OutFeatures, k);
                return PackFloat32(views);
            case LinearWeightFormat.BFloat16 when panelAligned:
                return new LinearWeight(LinearWeightFormat.BFloat16, n, k, bias) { WeightBFloat16 = StackPacked<ushort>(parts, PanelLayout.PackedLength(n, k), static p => p.WeightBFloat16) };
            case LinearWeightFormat.Int8 when panelAligned:
                var stackedScales = new float[n];
                row = 0;
                foreach (var p in parts) { p.Scales.Span.CopyTo(stackedScales.AsSpan(row)); row += p.OutFeatures; }
                return CreateInt8(StackPacked<sbyte>(parts, Int8Quantization.PackedLength(n, k), static p => p.WeightInt8), stackedScales, bias, n, k);
            case LinearWeightFormat.Float32:
                return Create(Stack<float>(parts, k, static p => p.Weight), bias, n, k);
            case LinearWeightFormat.BFloat16:
                // Packed panels are not row-contiguous: unpack, stack, repack (bits kept exactly).
                var rowsBf16 = new ushort[(long)n * k];
                row = 0;
                foreach (var p in parts)
                {
                    PanelLayout.Unpack(p.WeightBFloat16.Span, p.OutFeatures, k, rowsBf16.AsSpan(row * k, p.OutFeatures * k));
                    row += p.OutFeatures;
                }
                return CreateBFloat16(rowsBf16, bias, n, k);
            default:
                // Packed panels are not row-contiguous: unpack, stack, repack (integers and scales are kept exactly).
                var q = new sbyte[(long)n * k];
                var scales = new float[n];
                row = 0;
                foreach (var p in parts)
                {
                    Int8Quantization.Unpack(p.WeightInt8.Span, p.OutFeatures, k, q.AsSpan(row * k, p.OutFeatures * k));
                    p.Scales.Span.CopyTo(scales.AsSpan(row));
                    row += p.OutFeatures;
                }
                var packed = new sbyte[Int8Quantization.PackedLength(n, k)];
                Int8Quantization.Pack(q, n, k, packed);
                return CreateInt8(packed, scales, bias, n, k);
        }
    }

    // Packed panels of panel-aligned parts, one after the other (the last part's zero padding ends the result).
    private static T[] StackPacked<T>(ReadOnlySpan<LinearWeight> parts, int length, Func<LinearWeight, ReadOnlyMemory<T>> packed)
    {
        var result = new T[length];
        int offset = 0;
        foreach (var p in parts) { packed(p).Span.CopyTo(result.AsSpan(offset)); offset += packed(p).Length; }
        return result;
    }

    private static T[] Stack<T>(ReadOnlySpan<LinearWeight> parts, int k, Func<LinearWeight, ReadOnlyMemory<T>> weight)
    {
        long total = 0;
        foreach (var p in parts) total += (long)p.OutFeatures * k;
        var result = GC.AllocateUninitializedArray<T>(checked((int)total));
        int offset = 0;
        foreach (var p in parts) { weight(p).Span.CopyTo(result.AsSpan(offset)); offset += p.OutFeatures * k; }
        return result;
    }

    // Σ out, the shared in, and the stacked bias (empty when the parts have none).
    private static (int N, int K, float[] Bias) StackedShape(ReadOnlySpan<LinearWeight> parts)
    {
        if (parts.Length == 0) throw new ArgumentException("At least one layer is needed.", nameof(parts));
        var first = parts[0];
        int n = 0;
        foreach (var p in parts)
        {
            if (p.InFeatures != first.InFeatures || p.Bias.IsEmpty != first.Bias.IsEmpty)
                throw new ArgumentException("Layers to stack must share InFeatures and whether they have a bias.", nameof(parts));
            n = checked(n + p.OutFeatures);
        }
        float[] bias = first.Bias.IsEmpty ? [] : new float[n];
        int row = 0;
        foreach (var p in parts) { if (bias.Length > 0) p.Bias.Span.CopyTo(bias.AsSpan(row)); row += p.OutFeatures; }
        return (n, first.InFeatures, bias);
    }

    private void RequireFloat32()
    {
        if (Format != LinearWeightFormat.Float32) throw new InvalidOperationException($"The weight is already {Format}.");
    }

    private static void Check(int weightLength, ReadOnlyMemory<float> bias, int outFeatures, int inFeatures, string name, long expected = -1)
    {
        if (outFeatures <= 0 || inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), "Dimensions must be positive.");
        if (expected < 0) expected = (long)outFeatures * inFeatures;
        if (weightLength != expected) throw new ArgumentException($"Weight has {weightLength} elements, expected {expected} for {outFeatures}×{inFeatures}.", name);
        if (!bias.IsEmpty && bias.Length != outFeatures) throw new ArgumentException($"Bias has {bias.Length} elements, expected {outFeatures}.", nameof(bias));
    }
}
