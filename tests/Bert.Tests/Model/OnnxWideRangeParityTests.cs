using Bert.Synthetic;
using Xunit.Abstractions;

namespace Bert.Tests.Model;

/// <summary>
/// ONNX Runtime parity at weight scales that exercise every nonlinearity. At HF's initial std 0.02 the FFN pre-activations
/// stay within ±0.6, where erf and tanh GELU agree to 1e-5, attention is near uniform (so 1/√d vs 1/d hardly shows) and
/// ε = 1e-12 is invisible: a wrong formula there passes a 1e-4 check. Here std 0.1 weights with O(1) biases and LayerNorm
/// perturbations put pre-activations at |x| ~ 1–3 (where the GELU variants differ by 1.5e-4–4.4e-4), make attention
/// peaked, and ε = 1e-3 (instead of BERT's 1e-12) makes any ε other than the config's move LayerNorm outputs by ~1e-2.
/// </summary>
public sealed class OnnxWideRangeParityTests(ITestOutputHelper log) : IDisposable
{
    // Why relative: ORT (MLAS) and our kernels sum the same float32 products in different orders, and that rounding is
    // proportional to the magnitudes involved; these weights give outputs up to ~5, so the bound scales with the output's
    // largest |value| (floored at 1). Measured with correct code: ≤ 6.6e-7 of that scale. Measured with deliberate slips
    // (local sabotage of src/Bert): tanh GELU for erf ≥ 2.3e-4, ε ignored ≥ 1e-2, scale 1/d for 1/√d ≥ 7e-2, mask not
    // applied ≥ 1.2e-1. 1e-5 leaves ≥ 15× headroom over the rounding and sits ≥ 20× below the smallest slip.
    private const double RelativeTolerance = 1e-5;

    // At least this share of the FFN activations must be ≥ 1 (pre-activation ≳ 1.1), or the checkpoint no longer reaches
    // the range where the GELU variants differ and the test has lost its point. Measured ~13–16 %; HF's 0.02 init gives 0.
    private const double MinLargeActivationShare = 0.05;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "bert-model-widerange-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string, SyntheticHead> Cases()
    {
        var cases = new TheoryData<string, SyntheticHead>();
        foreach (string act in new[] { "gelu", "gelu_new", "gelu_pytorch_tanh", "relu" })
            foreach (var head in new[] { SyntheticHead.BertModel, SyntheticHead.MaskedLM, SyntheticHead.SequenceClassification })
                cases.Add(act, head);
        return cases;
    }

    public static SyntheticOptions Options(string act, SyntheticHead head) => new()
    {
        WriteOnnx = true, Seed = 7, Head = head, NumLabels = 3,
        InitializerRange = 0.1, BiasStd = 0.5, LayerNormStd = 0.5,
        Config = SyntheticPresets.Tiny with { HiddenAct = act, LayerNormEps = 1e-3f },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PaddedPairBatchMatchesOnnxRuntime(string act, SyntheticHead head)
    {
        var ckpt = SyntheticCheckpoint.Create(Path.Combine(_root, $"{act}-{head}"), Options(act, head));
        var batch = PairBatch.Create(ckpt.Config.VocabSize, seed: 3, (4, 6), (2, 1), (5, 2));
        using var ort = new OnnxReference(ckpt.OnnxPath!);
        var expected = ort.Run(batch.Ids, batch.TypeIds, batch.Mask, batch.Batch, batch.Seq);
        using var model = BertModel.Load(ckpt.Folder);
        long large = 0, total = 0;
        model.Observer = (name, values, _, _) =>
        {
            if (!name.EndsWith(".intermediate", StringComparison.Ordinal)) return;
            total += values.Length;
            foreach (float x in values) if (x >= 1) large++;
        };
        var actual = HeadOutputs.Run(model, head, batch);

        double share = (double)large / total;
        log.WriteLine($"{act}/{head}: {share:P1} of FFN activations ≥ 1");
        Assert.True(share >= MinLargeActivationShare, $"only {share:P1} of FFN activations ≥ 1: the weights no longer reach |x| ~ 1–3");
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        var failures = new List<string>();
        foreach (var (output, values) in expected)
        {
            double scale = Math.Max(1, values.Max(MathF.Abs));
            double maxAbs = Compare.MaxAbs(values, actual[output]), bound = RelativeTolerance * scale;
            log.WriteLine($"{act}/{head}/{output}: max-abs {maxAbs:E2} (relative {maxAbs / scale:E2}), bound {bound:E2}");
            if (!(maxAbs <= bound)) failures.Add($"{output}: max-abs {maxAbs:E2} > {bound:E2} (= {RelativeTolerance:E0} × {scale:F2})");
        }
        Assert.True(failures.Count == 0, $"{act}/{head}: " + string.Join("; ", failures)); // every output is logged first
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
