using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bert.Kernels;

/// <summary>
/// Integer micro-kernels of <see cref="GemmInt8"/>: acc[8, 48] = A[8, 2·kPairs] · B, A int16 rows (int8 values),
/// B one packed int8 panel (<see cref="Int8Quantization"/>); exact int32 sums.
/// </summary>
/// <remarks>
/// AVX-512 step (one pair of k): 3 loads of 32 int8 sign-extended to int16 (vpmovsxbw: channels c, c+1 … interleaved
/// by k-pair), 8 broadcasts of the row's int16 pair as one int32, 24 vpmaddwd + 24 vpaddd into 24 zmm accumulators
/// (3 + 1 + 24 = 28 of 32 registers).
/// </remarks>
internal static unsafe class GemmInt8Kernels
{
    private const int Nr = Int8Quantization.PanelWidth, Stride = Int8Quantization.PairStride;

    // a: [8, 2·kPairs] int16 rows lda apart; b: panel [kPairs, 48, 2] int8; acc: [8, 48] int32
    /// <summary>AVX-512BW 8×48 tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel8x48(short* a, nint lda, sbyte* b, int kPairs, int* acc)
    {
        Vector512<int> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default,
                       c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default,
                       c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default,
                       c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        int* a0 = (int*)a, a1 = (int*)(a + lda), a2 = (int*)(a + 2 * lda), a3 = (int*)(a + 3 * lda);
        int* a4 = (int*)(a + 4 * lda), a5 = (int*)(a + 5 * lda), a6 = (int*)(a + 6 * lda), a7 = (int*)(a + 7 * lda);
        for (nint q = 0; q < kPairs; q++, b += Stride)
        {
            var b0 = Avx512BW.ConvertToVector512Int16(Vector256.Load(b));
            var b1 = Avx512BW.ConvertToVector512Int16(Vector256.Load(b + 32));
            var b2 = Avx512BW.ConvertToVector512Int16(Vector256.Load(b + 64));
            Vector512<short> s;
            s = Vector512.Create(a0[q]).AsInt16(); c00 += Avx512BW.MultiplyAddAdjacent(s, b0); c01 += Avx512BW.MultiplyAddAdjacent(s, b1); c02 += Avx512BW.MultiplyAddAdjacent(s, b2);
            s = Vector512.Create(a1[q]).AsInt16(); c10 += Avx512BW.MultiplyAddAdjacent(s, b0); c11 += Avx512BW.MultiplyAddAdjacent(s, b1); c12 += Avx512BW.MultiplyAddAdjacent(s, b2);
            s = Vector512.Create(a2[q]).AsInt16(); c20 += Avx512BW.MultiplyAddAdjacent(s, b0); c21 += Avx512BW.MultiplyAddAdjacent(s, b1); c22 += Avx512BW.MultiplyAddAdjacent(s, b2);
            s = Vector512.Create(a3[q]).AsInt16(); c30 += Avx512BW.MultiplyAddAdjacent(s, b0); c31 += Avx512BW.MultiplyAddAdjacent(s, b1); c32 += Avx512BW.MultiplyAddAdjacent(s, b2);
            s = Vector512.Create(a4[q]).AsInt16(); c40 += Avx512BW.MultiplyAddAdjacent(s, b0); c41 += Avx512BW.MultiplyAddAdjacent(s, b1); c42 += Avx512BW.MultiplyAddAdjacent(s, b2);
            s = Vector512.Create(a5[q]).AsInt16(); c50 += Avx512BW.MultiplyAddAdjacent(s, b0); c51 += Avx512BW.MultiplyAddAdjacent(s, b1); c52 += Avx512BW.MultiplyAddAdjacent(s, b2);
            s = Vector512.Create(a6[q]).AsInt16(); c60 += Avx512BW.MultiplyAddAdjacent(s, b0); c61 += Avx512BW.MultiplyAddAdjacent(s, b1); c62 += Avx512BW.MultiplyAddAdjacent(s, b2);
            s = Vector512.Create(a7[q]).AsInt16(); c70 += Avx512BW.MultiplyAddAdjacent(s, b0); c71 += Avx512BW.MultiplyAddAdjacent(s, b1); c72 += Avx512BW.MultiplyAddAdjacent(s, b2);
        }
        int* o = acc;
        c00.Store(o); c01.Store(o + 16); c02.Store(o + 32); o += Nr;
        c10.Store(o); c11.Store(o + 16); c12.Store(o + 32); o += Nr;
        c20.Store(o); c21.Store(o + 16); c22.Store(o + 32); o += Nr;
        c30.Store(o); c31.Store(o + 16); c32.Store(o + 32); o += Nr;
        c40.Store(o); c41.Store(o + 16); c42.Store(o + 32); o += Nr;
        c50.Store(o); c51.Store(o + 16); c52.Store(o + 32); o += Nr;
        c60.Store(o); c61.Store(o + 16); c62.Store(o + 32); o += Nr;
        c70.Store(o); c71.Store(o + 16); c72.Store(o + 32);
    }

    // Same contract as Kernel8x48.
    /// <summary>Portable tile: plain integer loops over the packed panel (CPUs without AVX-512BW; exact, slow).</summary>
    public static void KernelScalar(short* a, nint lda, sbyte* b, int kPairs, int* acc)
    {
        for (int r = 0; r < GemmInt8.Mr; r++)
        {
            short* row = a + r * lda;
            for (int c = 0; c < Nr; c++)
            {
                int sum = 0;
                sbyte* w = b + 2 * c;
                for (int q = 0; q < kPairs; q++, w += Stride) sum += row[2 * q] * w[0] + row[2 * q + 1] * w[1];
                acc[r * Nr + c] = sum;
            }
        }
    }
}
