namespace Bert.Kernels.Reference;

/// <summary>
/// Plain scalar twins of every kernel: the specification and the test oracle. Accumulate in double,
/// never vectorized, never clever. Same argument order as the fast kernels (destination last).
/// </summary>
internal static class NaiveKernels
{
    /// <summary>y[m,n] = x[m,k] · w[n,k]ᵀ + bias[n] (bias may be empty). w is nn.Linear's [out, in] layout.</summary>
    public static void Linear(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int m, int k, int n, Span<float> y)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double acc = bias.IsEmpty ? 0 : bias[j];
                for (int p = 0; p < k; p++) acc += (double)x[i * k + p] * w[j * k + p];
                y[i * n + j] = (float)acc;
            }
    }

    /// <summary>y[r,:] = (x[r,:] − mean) / sqrt(var + eps) · gamma + beta, biased variance, per row of length cols.</summary>
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, int rows, int cols, Span<float> y)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            double mean = 0, var = 0;
            foreach (var v in row) mean += v;
            mean /= cols;
            foreach (var v in row) var += (v - mean) * (v - mean);
            var /= cols;
            double inv = 1.0 / Math.Sqrt(var + eps);
            for (int c = 0; c < cols; c++) y[r * cols + c] = (float)((row[c] - mean) * inv * gamma[c] + beta[c]);
        }
    }

    /// <summary>y = LayerNorm(x + residual): the residual add of BertSelfOutput/BertOutput fused with its LayerNorm.</summary>
    public static void AddLayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> residual, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, int rows, int cols, Span<float> y)
    {
        var sum = new float[rows * cols];
        for (int i = 0; i < sum.Length; i++) sum[i] = x[i] + residual[i];
        LayerNorm(sum, gamma, beta, eps, rows, cols, y);
    }

    /// <summary>y[r,c] = exp(s − max) / Σ exp(s − max) with s = x[r,c] + mask[c]; mask is additive (0 or a large negative), length cols.</summary>
    public static void MaskedSoftmax(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, int rows, int cols, Span<float> y)
    {
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < cols; c++) max = Math.Max(max, (double)x[r * cols + c] + Mask(mask, c));
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += Math.Exp((double)x[r * cols + c] + Mask(mask, c) - max);
            for (int c = 0; c < cols; c++) y[r * cols + c] = (float)(Math.Exp((double)x[r * cols + c] + Mask(mask, c) - max) / sum);
        }
    }

    private static double Mask(ReadOnlySpan<float> mask, int c) => mask.IsEmpty ? 0 : mask[c];

    /// <summary>erf in double precision: Maclaurin series for |x| &lt; 2, Laplace continued fraction of erfc beyond.</summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        double r;
        if (a < 2)
        {
            double term = a, sum = a, x2 = a * a;
            for (int n = 1; n < 60; n++)
            {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else if (a < 6)
        {
            double f = a; // erfc(a) = exp(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...))))
            for (int n = 80; n >= 1; n--) f = a + n / 2.0 / f;
            r = 1 - Math.Exp(-a * a) / Math.Sqrt(Math.PI) / f;
        }
        else r = 1;
        return x < 0 ? -r : r;
    }

    /// <summary>HF "gelu": y = x/2 · (1 + erf(x/√2)).</summary>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = (float)(0.5 * x[i] * (1 + Erf(x[i] / Math.Sqrt(2))));
    }

    /// <summary>
    /// HF "gelu_new" / "gelu_pytorch_tanh": y = x/2 · (1 + tanh(u)), u = √(2/π) · (x + 0.044715 x³), evaluated as the equal
    /// x / (1 + exp(−2u)) because 1 + tanh(u) cancels catastrophically for x ≪ 0 even in double (1e-4 relative at x = −6).
    /// </summary>
    public static void GeluTanh(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double u = Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v);
            y[i] = (float)(v / (1 + Math.Exp(-2 * u)));
        }
    }

    /// <summary>y = max(x, 0).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Math.Max(x[i], 0f);
    }

    /// <summary>y = tanh(x).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = (float)Math.Tanh(x[i]);
    }

    /// <summary>y[t,:] = table[ids[t], :] for a table of rows of length dim.</summary>
    public static void Gather(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, Span<float> y)
    {
        for (int t = 0; t < ids.Length; t++)
            for (int c = 0; c < dim; c++) y[t * dim + c] = table[ids[t] * dim + c];
    }

    /// <summary>y[t,:] += table[ids[t], :].</summary>
    public static void GatherAdd(ReadOnlySpan<float> table, int dim, ReadOnlySpan<int> ids, Span<float> y)
    {
        for (int t = 0; t < ids.Length; t++)
            for (int c = 0; c < dim; c++) y[t * dim + c] += table[ids[t] * dim + c];
    }

    /// <summary>
    /// Multi-head scaled dot-product attention. q, k, v, context: [batch·seq, heads·headSize] (token-major, heads side by side);
    /// mask: [batch, seq] additive (0 keep, large negative drop). context_i = Σ_j softmax_j(q_i·k_j/√headSize + mask_j) v_j.
    /// </summary>
    public static void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> mask,
        int batch, int seq, int heads, int headSize, Span<float> context)
    {
        int hidden = heads * headSize;
        double scale = 1 / Math.Sqrt(headSize);
        var scores = new float[seq];
        var probs = new float[seq];
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < seq; i++)
                {
                    int qi = (b * seq + i) * hidden + h * headSize;
                    for (int j = 0; j < seq; j++)
                    {
                        int kj = (b * seq + j) * hidden + h * headSize;
                        double dot = 0;
                        for (int d = 0; d < headSize; d++) dot += (double)q[qi + d] * k[kj + d];
                        scores[j] = (float)(dot * scale);
                    }
                    MaskedSoftmax(scores, mask.Slice(b * seq, seq), 1, seq, probs);
                    for (int d = 0; d < headSize; d++)
                    {
                        double acc = 0;
                        for (int j = 0; j < seq; j++) acc += (double)probs[j] * v[(b * seq + j) * hidden + h * headSize + d];
                        context[qi + d] = (float)acc;
                    }
                }
    }
}
