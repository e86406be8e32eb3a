using Bert.Kernels;
using Bert.Kernels.Reference;

namespace Bert.KernelCheck;

/// <summary>
/// Every fast kernel against its naive twin (double-precision oracle) over shapes that hit vector tails, tile edges,
/// block boundaries and thread splits. Each sweep appends one line per mismatch; tolerances are stated with reasons.
/// </summary>
public static class KernelSweeps
{
    private const double U = 1.0 / (1 << 24); // unit roundoff of float

    /// <summary>Lengths that straddle every vector width (4, 8, 16) and the 2-vector unrolls.</summary>
    public static readonly int[] Lengths = [.. Enumerable.Range(0, 258)];

    /// <summary>The sweeps by name.</summary>
    public static readonly (string Name, Action<List<string>> Run)[] All =
    [
        ("gemm", Gemm), ("gemm-prepacked-layout", PrepackedLayout), ("gemm-activation", GemmActivations), ("gelu", Gelu), ("gelu-tanh", GeluTanh), ("relu", Relu), ("tanh", Tanh),
        ("softmax", Softmax), ("layernorm", LayerNorm), ("embedding", Embedding), ("embedding-layernorm", EmbeddingLayerNorm), ("attention", Attention), ("attention-packed", PackedAttention),
        ("pooling", PoolingSweep.Run),
        .. QuantizedSweeps.All,
    ];

    /// <summary>Uniform floats in [−scale, scale).</summary>
    public static float[] Random(int length, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var a = new float[length];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return a;
    }

    /// <summary>Gemm.Linear vs NaiveKernels.Linear: m around the tile heights and the small-m switch, k across KC blocks, n across panels and tasks.</summary>
    public static void Gemm(List<string> failures)
    {
        int[] ms = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 71];
        int[] ks = [1, 3, 16, 17, 64, 129, 257];
        int[] ns = [1, 2, 7, 16, 31, 47, 48, 49, 80, 97, 130]; // last panels of every width (16, 32, 48)
        int seed = 0;
        foreach (int m in ms)
            foreach (int k in ks)
                foreach (int n in ns)
                    foreach (bool packed in (bool[])[false, true])
                        CheckLinear(failures, m, k, n, bias: (seed & 1) == 0, seed++, packed);
        foreach (bool packed in (bool[])[false, true])
        {
            CheckLinear(failures, 128, 768, 96, bias: true, seed++, packed);  // BERT depth: 6 KC blocks
            CheckLinear(failures, 500, 20, 50, bias: true, seed++, packed);   // more rows than one MC block
            CheckLinear(failures, 8, 768, 768, bias: true, seed++, packed);   // the memory-bound shape, many tasks
            CheckLinear(failures, 66, 300, 100, bias: true, seed++, packed);  // just above the streaming path, k across KC blocks
        }
    }

    // packed: the weight as the loader keeps the encoder's (LinearWeight.PackFloat32), else the [out, in] view.
    private static void CheckLinear(List<string> failures, int m, int k, int n, bool bias, int seed, bool packed = false)
    {
        var x = Random(m * k, seed);
        var w = Random(n * k, seed + 1000);
        var b = bias ? Random(n, seed + 2000) : [];
        var y = new float[m * n];
        var expected = new float[m * n];
        var weight = LinearWeight.Create(w, b, n, k);
        Kernels.Gemm.Linear(x, packed ? LinearWeight.PackFloat32(weight) : weight, m, y);
        NaiveKernels.Linear(x, w, b, m, k, n, expected);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                // Float dot products of length k: |error| ≤ γ_{k+1} Σ|x||w| + u|b| (Higham 3.1), γ_k ≈ k·u.
                double magnitude = Math.Abs(bias ? b[j] : 0);
                for (int p = 0; p < k; p++) magnitude += Math.Abs((double)x[i * k + p] * w[j * k + p]);
                double tol = (k + 2) * U * magnitude + 1e-30;
                double err = Math.Abs(y[i * n + j] - expected[i * n + j]);
                if (!(err <= tol)) { failures.Add($"Linear{(packed ? " packed" : "")} m={m} k={k} n={n} [{i},{j}]: {y[i * n + j]} vs {expected[i * n + j]} (tol {tol:g3})"); return; }
            }
    }

    /// <summary>
    /// PackFloat32 of stacked parts whose sizes start panels and 16-channel groups anywhere (the transposed and the
    /// element-wise packers meet) unpacks to exactly the stacked rows; and on AVX-512 the packed GEMM equals the
    /// per-call-packing GEMM bit for bit (same FMAs in the same order), at m above the streaming path.
    /// </summary>
    public static void PrepackedLayout(List<string> failures)
    {
        int[][] partSizes = [[1], [16], [48], [5, 48, 37, 16, 100], [1024 / 16, 1024 / 16 + 7, 33], [47, 49]];
        int seed = 500;
        foreach (int k in (int[])[1, 15, 16, 17, 33, 260])
            foreach (var sizes in partSizes)
            {
                var parts = sizes.Select(n => LinearWeight.Create(Random(n * k, seed++), Random(n, seed++), n, k)).ToArray();
                var stacked = LinearWeight.Concatenate(parts);
                var packed = LinearWeight.PackFloat32(parts);
                if (!packed.ToFloat32Array().AsSpan().SequenceEqual(stacked.ToFloat32Array()) || !packed.Bias.Span.SequenceEqual(stacked.Bias.Span))
                { failures.Add($"PackFloat32 k={k} parts=[{string.Join(",", sizes)}]: unpacked weight or bias differs from the stacked rows"); return; }
                if (!GemmPrepacked.IsAccelerated) continue;
                int m = 70, n = stacked.OutFeatures;
                var x = Random(m * k, seed++);
                var yPacked = new float[m * n];
                var yView = new float[m * n];
                Kernels.Gemm.Linear(x, packed, m, yPacked);
                Kernels.Gemm.Linear(x, stacked, m, yView);
                if (!yPacked.AsSpan().SequenceEqual(yView))
                { failures.Add($"Prepacked GEMM k={k} parts=[{string.Join(",", sizes)}] m={m}: not bit-identical to the per-call-packing GEMM"); return; }
            }
    }

    /// <summary>Linear with a fused activation vs the twin Linear followed by the twin activation.</summary>
    public static void GemmActivations(List<string> failures)
    {
        foreach (var act in new[] { GemmActivation.Gelu, GemmActivation.GeluTanh, GemmActivation.Relu, GemmActivation.Tanh })
            foreach (var (m, k, n, packed) in new[] { (5, 33, 70, false), (40, 130, 100, false), (17, 64, 49, false), (5, 33, 70, true), (90, 300, 100, true) })
            {
                var x = Random(m * k, m + k);
                var w = Random(n * k, n + k, 0.3f);
                var b = Random(n, n);
                var y = new float[m * n];
                var pre = new float[m * n];
                var expected = new float[m * n];
                var weight = LinearWeight.Create(w, b, n, k);
                Kernels.Gemm.Linear(x, packed ? LinearWeight.PackFloat32(weight) : weight, m, y, act);
                NaiveKernels.Linear(x, w, b, m, k, n, pre);
                switch (act)
                {
                    case GemmActivation.Gelu: NaiveKernels.Gelu(pre, expected); break;
                    case GemmActivation.GeluTanh: NaiveKernels.GeluTanh(pre, expected); break;
                    case GemmActivation.Relu: NaiveKernels.Relu(pre, expected); break;
                    case GemmActivation.Tanh: NaiveKernels.Tanh(pre, expected); break;
                }
                // GEMM error (≤ (k+2)·u·Σ|x||w| ≤ 1e-4 here) passes through activations of slope ≤ 1.13, plus their own error.
                for (int i = 0; i < y.Length; i++)
                    if (!(Math.Abs(y[i] - expected[i]) <= 2e-5 + 1e-5 * Math.Abs(expected[i])))
                    { failures.Add($"Linear{(packed ? " packed" : "")}+{act} m={m} k={k} n={n} [{i}]: {y[i]} vs {expected[i]}"); break; }
            }
    }

    // Inputs for element-wise kernels: random over the interesting range plus edge values.
    private static float[] ActivationInputs(int length, int seed)
    {
        var x = Random(length, seed, 7f);
        float[] specials = [0f, -0f, 1e-30f, -1e-30f, 1e-8f, 0.5f, -0.5f, 1f, -1f, 2.9f, -2.9f, 5.7f, -5.7f, 9f, -9f, 40f, -40f, 1e4f, -1e4f, 3e38f, -3e38f];
        for (int i = 0; i < length && i < specials.Length; i++) x[(i * 7) % length] = specials[i];
        return x;
    }

    // Lengths below and above the parallel split of Activations (chunks of 32K).
    private static readonly int[] UnaryLengths = [.. Lengths, 65536 + 5, 5 * 32768 + 3];

    private static void CheckUnary(List<string> failures, string name, Action<float[], float[]> fast, Action<float[], float[]> twin, Func<float, double, double> tolerance)
    {
        foreach (int n in UnaryLengths)
        {
            var x = ActivationInputs(n, n);
            var y = new float[n];
            var expected = new float[n];
            fast(x, y);
            twin(x, expected);
            var inPlace = (float[])x.Clone();
            fast(inPlace, inPlace); // y aliasing x must give the same result
            for (int i = 0; i < n; i++)
            {
                double tol = tolerance(x[i], expected[i]);
                if (!(Math.Abs(y[i] - expected[i]) <= tol) || BitConverter.SingleToInt32Bits(inPlace[i]) != BitConverter.SingleToInt32Bits(y[i]))
                { failures.Add($"{name} n={n} x={x[i]:R}: {y[i]:R} (in place {inPlace[i]:R}) vs {expected[i]:R} (tol {tol:g3})"); return; }
            }
        }
    }

    /// <summary>Exact GELU vs the twin (double erf).</summary>
    public static void Gelu(List<string> failures) => CheckUnary(failures, "Gelu", (x, y) => Activations.Gelu(x, y), (x, y) => NaiveKernels.Gelu(x, y),
        // erf/erfc to ≤ 1.5e-7 absolute (VectorMathTests) carried by x/2, plus a few ulp of the products; for x ≪ 0 the
        // erfc branch is accurate relative (the min caps |x|, beyond which the error is relative only).
        (x, y) => 2e-7 * Math.Abs(y) + 7.5e-8 * Math.Min(Math.Abs(x), 8) + 1e-37);

    /// <summary>Tanh GELU vs the twin.</summary>
    public static void GeluTanh(List<string> failures) => CheckUnary(failures, "GeluTanh", (x, y) => Activations.GeluTanh(x, y), (x, y) => NaiveKernels.GeluTanh(x, y),
        // x / (1 + exp(−2u)): a few ulp of exp and the division, and the ~3 ulp of u in float are amplified by
        // exp's condition number |2u| (e.g. 27 at x = −6.3).
        (x, y) => (1e-6 + 8 * U * Math.Abs(2 * 0.7978845608 * (x + 0.044715 * x * x * x))) * Math.Abs(y) + 1e-37);

    /// <summary>ReLU must be exact.</summary>
    public static void Relu(List<string> failures) => CheckUnary(failures, "Relu", (x, y) => Activations.Relu(x, y), (x, y) => NaiveKernels.Relu(x, y), (x, y) => 0);

    /// <summary>tanh vs the twin (Math.Tanh in double).</summary>
    public static void Tanh(List<string> failures) => CheckUnary(failures, "Tanh", (x, y) => Activations.Tanh(x, y), (x, y) => NaiveKernels.Tanh(x, y),
        // a few ulp: polynomial below 0.6, 1 − 2/(e^{2a}+1) above (≤ 1 bit lost in the subtraction).
        (x, y) => 4 * U * Math.Abs(y) + 1e-38);

    /// <summary>Masked softmax vs the twin, masks with dropped columns (float.MinValue, as HF) but never a fully dropped row.</summary>
    public static void Softmax(List<string> failures)
    {
        foreach (int cols in Lengths)
        {
            if (cols == 0) continue;
            int rows = 3;
            var x = Random(rows * cols, cols, 8f);
            var mask = new float[cols];
            var rng = new Random(cols);
            for (int c = 1; c < cols; c++) mask[c] = rng.Next(4) == 0 ? float.MinValue : 0f;
            var y = new float[rows * cols];
            var expected = new float[rows * cols];
            Kernels.Softmax.Masked(x, mask, rows, cols, y);
            NaiveKernels.MaskedSoftmax(x, mask, rows, cols, expected);
            for (int i = 0; i < y.Length; i++)
                // exp to ~2 ulp each, a float sum of ≤ 257 terms (≤ cols·u relative) and one division.
                if (!(Math.Abs(y[i] - expected[i]) <= (8 + cols) * U * Math.Abs(expected[i]) + 1e-38))
                { failures.Add($"Softmax cols={cols} [{i}]: {y[i]:R} vs {expected[i]:R}"); break; }
        }
        // A row whose every column is dropped: HF's float arithmetic gives x + MinValue = MinValue for all, i.e. uniform.
        var all = Enumerable.Repeat(float.MinValue, 37).ToArray();
        var p = new float[37];
        Kernels.Softmax.Masked(Random(37, 1), all, 1, 37, p);
        if (p.Any(v => !(Math.Abs(v - 1.0 / 37) < 1e-6))) failures.Add($"Softmax fully masked row: {string.Join(", ", p)} (expected 1/37 each, no NaN)");
    }

    /// <summary>LayerNorm and AddLayerNorm vs the twins, including y aliasing x or residual.</summary>
    public static void LayerNorm(List<string> failures)
    {
        foreach (int cols in Lengths)
        {
            if (cols == 0) continue;
            int rows = 2;
            var x = Random(rows * cols, cols, 3f);
            for (int i = 0; i < x.Length; i++) x[i] += 5f; // an offset mean, as in real activations
            var r = Random(rows * cols, cols + 1);
            var gamma = Random(cols, cols + 2, 2f);
            var beta = Random(cols, cols + 3);
            var y = new float[rows * cols];
            var expected = new float[rows * cols];
            Normalization.LayerNorm(x, gamma, beta, 1e-12f, rows, cols, y);
            NaiveKernels.LayerNorm(x, gamma, beta, 1e-12f, rows, cols, expected);
            Compare(failures, $"LayerNorm cols={cols}", y, expected, gamma, beta);
            var aliased = (float[])x.Clone();
            Normalization.AddLayerNorm(aliased, r, gamma, beta, 1e-5f, rows, cols, aliased);
            NaiveKernels.AddLayerNorm(x, r, gamma, beta, 1e-5f, rows, cols, expected);
            Compare(failures, $"AddLayerNorm (y = x) cols={cols}", aliased, expected, gamma, beta);
            aliased = (float[])r.Clone();
            Normalization.AddLayerNorm(x, aliased, gamma, beta, 1e-5f, rows, cols, aliased);
            Compare(failures, $"AddLayerNorm (y = residual) cols={cols}", aliased, expected, gamma, beta);
        }
        // Enough rows for the split over the kernel threads (tasks of 16K elements), with a partial last task.
        foreach (var (rows, cols) in new[] { (67, 768), (1100, 33) })
        {
            var x = Random(rows * cols, cols, 3f);
            var r = Random(rows * cols, cols + 1);
            var gamma = Random(cols, cols + 2, 2f);
            var beta = Random(cols, cols + 3);
            var y = new float[rows * cols];
            var expected = new float[rows * cols];
            Normalization.LayerNorm(x, gamma, beta, 1e-12f, rows, cols, y);
            NaiveKernels.LayerNorm(x, gamma, beta, 1e-12f, rows, cols, expected);
            Compare(failures, $"LayerNorm rows={rows} cols={cols}", y, expected, gamma, beta);
            Normalization.AddLayerNorm(x, r, gamma, beta, 1e-5f, rows, cols, y);
            NaiveKernels.AddLayerNorm(x, r, gamma, beta, 1e-5f, rows, cols, expected);
            Compare(failures, $"AddLayerNorm rows={rows} cols={cols}", y, expected, gamma, beta);
        }
    }

    /// <summary>The fused BertEmbeddings kernel vs the twins' gather, gather-add, gather-add, LayerNorm.</summary>
    public static void EmbeddingLayerNorm(List<string> failures)
    {
        foreach (var (rows, dim) in new[] { (1, 1), (5, 33), (300, 768), (40, 16) })
        {
            var word = Random(50 * dim, dim, 1f);
            var type = Random(2 * dim, dim + 1, 1f);
            var position = Random(512 * dim, dim + 2, 1f);
            var gamma = Random(dim, dim + 3, 2f);
            var beta = Random(dim, dim + 4);
            var ids = Enumerable.Range(0, rows).Select(i => (i * 7 + 3) % 50).ToArray();
            var types = Enumerable.Range(0, rows).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
            var positions = Enumerable.Range(0, rows).Select(i => i % 37).ToArray();
            var y = new float[rows * dim];
            var expected = new float[rows * dim];
            Kernels.Embedding.SumLayerNorm(word, type, position, dim, ids, types, positions, gamma, beta, 1e-12f, y);
            NaiveKernels.Gather(word, dim, ids, expected);
            NaiveKernels.GatherAdd(type, dim, types, expected);
            NaiveKernels.GatherAdd(position, dim, positions, expected);
            NaiveKernels.LayerNorm(expected, gamma, beta, 1e-12f, rows, dim, expected);
            Compare(failures, $"Embedding.SumLayerNorm rows={rows} dim={dim}", y, expected, gamma, beta);
        }
    }

    private static void Compare(List<string> failures, string what, float[] y, float[] expected, float[] gamma, float[] beta)
    {
        int cols = gamma.Length;
        for (int i = 0; i < y.Length; i++)
        {
            // Normalized values are O(1..√cols) with ~1e-6 relative error from float sums of ≤ 257 terms.
            double tol = 1e-5 * (Math.Abs(gamma[i % cols]) * Math.Sqrt(cols) + Math.Abs(beta[i % cols])) + 1e-6;
            if (!(Math.Abs(y[i] - expected[i]) <= tol)) { failures.Add($"{what} [{i}]: {y[i]:R} vs {expected[i]:R}"); return; }
        }
    }

    /// <summary>Gather and GatherAdd copy exactly; bad ids throw before anything is written.</summary>
    public static void Embedding(List<string> failures)
    {
        foreach (int dim in new[] { 1, 7, 16, 33, 768 })
        {
            var table = Random(11 * dim, dim);
            int[] ids = [0, 10, 3, 3, 7];
            var y = Random(ids.Length * dim, 5);
            var expected = (float[])y.Clone();
            Kernels.Embedding.GatherAdd(table, dim, ids, y);
            NaiveKernels.GatherAdd(table, dim, ids, expected);
            if (!y.SequenceEqual(expected)) failures.Add($"GatherAdd dim={dim}");
            Kernels.Embedding.Gather(table, dim, ids, y);
            NaiveKernels.Gather(table, dim, ids, expected);
            if (!y.SequenceEqual(expected)) failures.Add($"Gather dim={dim}");
            foreach (int bad in new[] { -1, 11, int.MaxValue, int.MinValue })
            {
                var before = (float[])y.Clone();
                try { Kernels.Embedding.Gather(table, dim, [0, bad], y); failures.Add($"Gather id {bad} did not throw"); }
                catch (ArgumentOutOfRangeException e) when (e.Message.Contains(bad.ToString())) { }
                if (!y.SequenceEqual(before)) failures.Add($"Gather id {bad} wrote y before throwing");
            }
        }
    }

    /// <summary>Attention vs the twin over batch, sequence, heads and head sizes around the tile sizes.</summary>
    public static void Attention(List<string> failures)
    {
        foreach (var (batch, seq, heads, d) in new[] { (1, 1, 1, 1), (1, 2, 1, 4), (2, 7, 3, 16), (1, 8, 2, 64), (2, 17, 2, 17), (1, 33, 1, 64), (1, 64, 2, 32), (2, 130, 2, 64), (1, 49, 3, 8) })
        {
            int hidden = heads * d, tokens = batch * seq;
            var q = Random(tokens * hidden, seq + 1, 2f);
            var k = Random(tokens * hidden, seq + 2, 2f);
            var v = Random(tokens * hidden, seq + 3);
            var mask = new float[tokens];
            for (int b = 0; b < batch; b++)
                for (int j = seq - seq / 3; j < seq; j++) mask[b * seq + j] = float.MinValue; // padding at the end, as a tokenizer makes it
            var scratch = new float[Kernels.Attention.ScratchLength(batch, seq, heads, d)];
            var context = new float[tokens * hidden];
            var expected = new float[tokens * hidden];
            Kernels.Attention.Forward(q, k, v, mask, batch, seq, heads, d, scratch, context);
            NaiveKernels.Attention(q, k, v, mask, batch, seq, heads, d, expected);
            for (int i = 0; i < context.Length; i++)
                // Scores carry ≤ d·u·Σ|q||k| ≤ 64·6e-8·4·64 absolute error, probabilities that relative, |v| ≤ 1.
                if (!(Math.Abs(context[i] - expected[i]) <= 2e-5))
                { failures.Add($"Attention b={batch} s={seq} h={heads} d={d} [{i}]: {context[i]:R} vs {expected[i]:R}"); break; }
        }
    }

    /// <summary>
    /// Packed (cu_seqlens) attention reading q, k, v strided out of one fused [tokens, 3·hidden + 5] buffer vs the twin
    /// run on each sequence alone: lengths from 1 to past two micro-kernel panels, and a zero-length sequence.
    /// </summary>
    public static void PackedAttention(List<string> failures)
    {
        foreach (var (lengths, heads, d) in new[] { (new[] { 1 }, 1, 4), (new[] { 7, 1, 33, 0, 16 }, 3, 16), (new[] { 130, 5, 64 }, 2, 64), (new[] { 49, 17 }, 2, 17) })
        {
            int hidden = heads * d, ld = 3 * hidden + 5, batch = lengths.Length, maxSeq = Math.Max(1, lengths.Max());
            var cu = new int[batch + 1];
            for (int b = 0; b < batch; b++) cu[b + 1] = cu[b] + lengths[b];
            int tokens = cu[^1];
            var qkv = Random(tokens * ld, tokens + 7, 2f);
            var scratch = new float[Kernels.Attention.ScratchLength(maxSeq, d)];
            var context = new float[tokens * hidden];
            Kernels.Attention.Forward(qkv, qkv.AsSpan(hidden), qkv.AsSpan(2 * hidden), ld, default, cu, maxSeq, heads, d, scratch, context);
            for (int b = 0; b < batch; b++)
            {
                int n = lengths[b];
                if (n == 0) continue;
                var (q, k, v) = (new float[n * hidden], new float[n * hidden], new float[n * hidden]);
                for (int t = 0; t < n; t++)
                {
                    qkv.AsSpan((cu[b] + t) * ld, hidden).CopyTo(q.AsSpan(t * hidden));
                    qkv.AsSpan((cu[b] + t) * ld + hidden, hidden).CopyTo(k.AsSpan(t * hidden));
                    qkv.AsSpan((cu[b] + t) * ld + 2 * hidden, hidden).CopyTo(v.AsSpan(t * hidden));
                }
                var expected = new float[n * hidden];
                NaiveKernels.Attention(q, k, v, new float[n], 1, n, heads, d, expected);
                for (int i = 0; i < expected.Length; i++)
                    // Same bound as the padded sweep: |v| ≤ 2 here, scores ≤ d·u·Σ|q||k|.
                    if (!(Math.Abs(context[cu[b] * hidden + i] - expected[i]) <= 4e-5))
                    { failures.Add($"Packed attention lengths=[{string.Join(",", lengths)}] seq {b} h={heads} d={d} [{i}]: {context[cu[b] * hidden + i]:R} vs {expected[i]:R}"); break; }
            }
        }
    }
}
