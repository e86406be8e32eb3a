namespace Bert.Synthetic;

/// <summary>
/// Reproducible normal samples that are bit-identical on every machine and runtime.
/// </summary>
/// <remarks>
/// <para>Uniforms: SplitMix64 (state += 0x9E3779B97F4A7C15, then the Stafford-13 mix); the top 53 bits make a double in [0, 1).</para>
/// <para>Normals: Marsaglia's polar method (u, v uniform in (−1, 1), s = u² + v² ∈ (0, 1), z = u·√(−2 ln s / s), and v likewise),
/// where ln is <see cref="Log"/>: built only from IEEE +, −, ×, ÷ and bit operations, so it does not depend on the
/// platform's libm (whose last bits may differ between machines). √ is IEEE correctly rounded.</para>
/// <para>Streams: a tensor's elements are cut into blocks of <see cref="BlockSize"/>; block k of tensor <c>name</c> draws from
/// its own generator seeded with <c>Mix(Mix(seed ⊕ FNV-1a(name)) + k)</c>. A value therefore depends only on
/// (seed, canonical tensor name, element index): not on the order, sharding or naming style of the files, and blocks can
/// be filled in parallel.</para>
/// </remarks>
internal struct DeterministicRandom(ulong seed)
{
    /// <summary>Elements drawn from one generator stream.</summary>
    public const int BlockSize = 1 << 14;

    private ulong _state = seed;

    /// <summary>Seed of block <paramref name="block"/> of the tensor <paramref name="name"/>.</summary>
    public static ulong StreamSeed(ulong seed, string name, long block) => Mix(Mix(seed ^ Fnv1a(name)) + (ulong)block);

    /// <summary>Next 64 random bits (SplitMix64).</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Fills <paramref name="destination"/> with mean + std·N(0, 1) samples (polar method, in pairs).</summary>
    public void FillNormal(Span<float> destination, double mean, double std)
    {
        for (int i = 0; i < destination.Length; i += 2)
        {
            double u, v, s;
            do
            {
                u = 2 * NextDouble() - 1;
                v = 2 * NextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double factor = Math.Sqrt(-2 * Log(s) / s);
            destination[i] = (float)(mean + std * u * factor);
            if (i + 1 < destination.Length) destination[i + 1] = (float)(mean + std * v * factor);
        }
    }

    /// <summary>Natural logarithm of a positive finite normal double using only IEEE basic operations (error ≈ 1 ulp).</summary>
    internal static double Log(double x)
    {
        // x = m · 2^e with m in [√½, √2): then ln x = e·ln 2 + 2·atanh(t), t = (m − 1)/(m + 1), |t| < 0.172.
        long bits = BitConverter.DoubleToInt64Bits(x);
        int e = (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (m > 1.4142135623730951) { m *= 0.5; e++; }
        double t = (m - 1) / (m + 1), t2 = t * t;
        // atanh(t)/t = Σ t^(2k)/(2k+1); t² < 0.0295, so 11 terms reach below 1e-17.
        double sum = 1.0 / 23;
        for (int k = 10; k >= 0; k--) sum = sum * t2 + 1.0 / (2 * k + 1);
        return e * 0.6931471805599453 + 2 * t * sum;
    }

    private double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Fnv1a(string text)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in text) hash = (hash ^ c) * 0x100000001B3UL;
        return hash;
    }
}
