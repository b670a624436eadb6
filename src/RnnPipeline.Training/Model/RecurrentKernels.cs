using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnPipeline.Options;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// The float32 recurrence loops of <see cref="Recurrence"/> as two fused loops over the tensors' memory: per timestep
/// the product with W_hh, the add and the nonlinearity (forward), or the product, the add and the multiplication by
/// f'(a_t) (backward) in one pass, with no tensor operation per timestep. Every sum a_t[b, j] = c[b, j] + Σ_k
/// h_{t−1}[b, k]·W_hhᵀ[k, j] runs in k order as a chain of fused multiply-adds starting from c, whatever the blocking, and
/// the nonlinearities are <see cref="VectorMath"/>'s: a run gives the same bits alone and stacked, at any thread count
/// and on any x86-64 CPU with AVX2 and FMA, Intel or AMD. Up to H = <see cref="MaxHidden"/>, on such CPUs.
/// </summary>
/// <remarks>
/// Why not libtorch: per timestep a run's product is small ([B, H] × [H, H]; B = 16 or 32, H = 64 in the shipped suites)
/// and the step was three tensor operations (product, add, nonlinearity), each paying dispatch, an allocation and a
/// parallel region besides the kernels' own startup; at H = 64 the fused loops take less than half the time, at H = 256
/// about half on two threads (docs/performance.md).
/// Checked against the tensor loops (the float64 reference path) in the tests.
/// </remarks>
internal static unsafe class RecurrentKernels
{
    /// <summary>
    /// Whether the fused loops take <paramref name="hidden"/> [R, T, B, H]: on a CPU with AVX2 and FMA, contiguous float32,
    /// H ≤ <see cref="MaxHidden"/>, small enough for one span (else the tensor loops run).
    /// </summary>
    public static bool Supports(Tensor hidden) => Accelerated && hidden.dtype == ScalarType.Float32 && hidden.device_type == TorchSharp.DeviceType.CPU
        && hidden.is_contiguous() && hidden.shape[3] <= MaxHidden && hidden.numel() * sizeof(float) <= int.MaxValue;

    /// <summary>
    /// Whether this CPU runs the loops' vector operations in hardware: 256-bit vectors and fused multiply-add (x86-64 with
    /// AVX2 and FMA). Elsewhere .NET would carry out the same operations lane by lane, the same bits but several times
    /// slower than libtorch, so the tensor loops run there.
    /// </summary>
    private static readonly bool Accelerated = Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported;

    /// <summary>
    /// The largest H the fused loops take. At H = 1024 (W_hh 4 MiB, beyond the per-core cache) MKL's products were
    /// faster on two threads (docs/performance.md), and the tensor loops run.
    /// </summary>
    public const int MaxHidden = 512;

    /// <summary>
    /// h_t = f(c_t + h_{t−1} W_hhᵀ) in place over <paramref name="hidden"/> [R, T, B, H], which holds c_t = W_xh x_t + b_h;
    /// the sums a_t of the first P sequences go to <paramref name="pre"/> [R, T, P, H] when given.
    /// </summary>
    public static void Forward(Tensor hidden, Tensor h0, Tensor whh, Activation f, Tensor? pre)
    {
        switch (f)
        {
            case Activation.Tanh: Forward<TanhFunction>(hidden, h0, whh, pre); break;
            case Activation.Sigmoid: Forward<SigmoidFunction>(hidden, h0, whh, pre); break;
            case Activation.Relu: Forward<ReluFunction>(hidden, h0, whh, pre); break;
            default: throw new ArgumentOutOfRangeException(nameof(f), f, null);
        }
    }

    private static void Forward<TFunction>(Tensor hidden, Tensor h0, Tensor whh, Tensor? pre) where TFunction : struct, IVectorFunction
    {
        var (runs, steps, batch, h) = Shape(hidden);
        int kept = pre is null ? 0 : (int)pre.shape[2];
        using var whhT = whh.transpose(1, 2).contiguous();
        using var start = h0.contiguous();
        nint states = (nint)Pointer(hidden), initial = (nint)Pointer(start), weights = (nint)Pointer(whhT);
        nint kept0 = pre is null ? 0 : (nint)Pointer(pre);
        long block = (long)batch * h;
        InParts(batch, h, (from, to) =>
        {
            for (int r = 0; r < runs; r++)
            {
                float* previous = (float*)initial + r * block;
                for (int t = 0; t < steps; t++)
                {
                    float* current = (float*)states + ((long)r * steps + t) * block;
                    var store = new ForwardStore<TFunction>(current, kept0 == 0 ? null : (float*)kept0 + ((long)r * steps + t) * kept * h, kept, h);
                    Product(current, previous, (float*)weights + (long)r * h * h, from, to, h, ref store);
                    previous = current;
                }
            }
        });
    }

    /// <summary>
    /// Backward through time in place: <paramref name="delta"/> [R, T, B, H] holds the local gradients and becomes δ_t =
    /// local_t + (∂L/∂a_{t+1}) W_hh; <paramref name="da"/> [R, T, B, H] holds f'(a_t) and becomes ∂L/∂a_t = δ_t ⊙ f'(a_t).
    /// </summary>
    public static void Backward(Tensor delta, Tensor da, Tensor whh)
    {
        var (runs, steps, batch, h) = Shape(delta);
        using var w = whh.contiguous();
        nint deltas = (nint)Pointer(delta), grads = (nint)Pointer(da), weights = (nint)Pointer(w);
        long block = (long)batch * h;
        InParts(batch, h, (from, to) =>
        {
            for (int r = 0; r < runs; r++)
            {
                for (int t = steps - 1; t >= 0; t--)
                {
                    float* d = (float*)deltas + ((long)r * steps + t) * block, g = (float*)grads + ((long)r * steps + t) * block;
                    if (t == steps - 1)
                        for (long i = from * (long)h; i < to * (long)h; i++) g[i] *= d[i];
                    else
                    {
                        var store = new BackwardStore(d, g, h);
                        Product(d, g + block, (float*)weights + (long)r * h * h, from, to, h, ref store);
                    }
                }
            }
        });
    }

    private static (int Runs, int Steps, int Batch, int Hidden) Shape(Tensor t) => ((int)t.shape[0], (int)t.shape[1], (int)t.shape[2], (int)t.shape[3]);

    /// <summary>The first element of a contiguous CPU float tensor (its memory is libtorch's, not the collector's: no pinning).</summary>
    private static float* Pointer(Tensor t)
    {
        if (!t.is_contiguous()) throw new ArgumentException("the fused recurrence needs contiguous tensors", nameof(t));
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));
    }

    /// <summary>
    /// acc[b, j] = c[b, j] + Σ_k a[b, k]·m[k, j] for the rows from <paramref name="from"/> to <paramref name="to"/> and
    /// j &lt; n (all three row-major with n columns, m is n × n), handed to <paramref name="store"/> eight columns at a
    /// time. Blocks of 4 rows × 16 columns keep eight sums in registers, all rows of a 16-column strip one after another
    /// (the strip of m, 64·n bytes, is read from memory once per product); the rest goes a row and eight columns at a
    /// time, with the same chain per element.
    /// </summary>
    private static void Product<TStore>(float* c, float* a, float* m, int from, int to, int n, ref TStore store) where TStore : struct, IStore
    {
        int full = from + (to - from) / 4 * 4, j = 0;
        for (; j + 16 <= n; j += 16)                                           // a strip of m's columns stays in cache for all rows
            for (int b = from; b < full; b += 4) Block4x16(c, a, m, b, j, n, ref store);
        for (; j < n; j += 8) for (int b = from; b < full; b++) Block1x8(c, a, m, b, j, n, ref store);
        for (int b = full; b < to; b++) for (j = 0; j < n; j += 8) Block1x8(c, a, m, b, j, n, ref store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x16<TStore>(float* c, float* a, float* m, int b, int j, int n, ref TStore store) where TStore : struct, IStore
    {
        float* c0 = c + (long)b * n + j, a0 = a + (long)b * n, mk = m + j;
        var (s00, s01, s10, s11) = (Vector256.Load(c0), Vector256.Load(c0 + 8), Vector256.Load(c0 + n), Vector256.Load(c0 + n + 8));
        var (s20, s21, s30, s31) = (Vector256.Load(c0 + 2 * n), Vector256.Load(c0 + 2 * n + 8), Vector256.Load(c0 + 3 * n), Vector256.Load(c0 + 3 * n + 8));
        for (int k = 0; k < n; k++, mk += n)
        {
            var (m0, m1) = (Vector256.Load(mk), Vector256.Load(mk + 8));
            var (p0, p1, p2, p3) = (Vector256.Create(a0[k]), Vector256.Create(a0[n + k]), Vector256.Create(a0[2 * n + k]), Vector256.Create(a0[3 * n + k]));
            s00 = Vector256.FusedMultiplyAdd(p0, m0, s00); s01 = Vector256.FusedMultiplyAdd(p0, m1, s01);
            s10 = Vector256.FusedMultiplyAdd(p1, m0, s10); s11 = Vector256.FusedMultiplyAdd(p1, m1, s11);
            s20 = Vector256.FusedMultiplyAdd(p2, m0, s20); s21 = Vector256.FusedMultiplyAdd(p2, m1, s21);
            s30 = Vector256.FusedMultiplyAdd(p3, m0, s30); s31 = Vector256.FusedMultiplyAdd(p3, m1, s31);
        }
        store.Store(s00, b, j, 8); store.Store(s01, b, j + 8, 8);
        store.Store(s10, b + 1, j, 8); store.Store(s11, b + 1, j + 8, 8);
        store.Store(s20, b + 2, j, 8); store.Store(s21, b + 2, j + 8, 8);
        store.Store(s30, b + 3, j, 8); store.Store(s31, b + 3, j + 8, 8);
    }

    private static void Block1x8<TStore>(float* c, float* a, float* m, int b, int j, int n, ref TStore store) where TStore : struct, IStore
    {
        int count = Math.Min(8, n - j);
        var s = Load(c + (long)b * n + j, count);
        float* ab = a + (long)b * n;
        for (int k = 0; k < n; k++) s = Vector256.FusedMultiplyAdd(Vector256.Create(ab[k]), Load(m + (long)k * n + j, count), s);
        store.Store(s, b, j, count);
    }

    /// <summary>The first <paramref name="count"/> (≤ 8) floats at <paramref name="p"/>, the other lanes 0 (nothing read past them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(float* p, int count)
    {
        if (count == 8) return Vector256.Load(p);
        var v = Vector256<float>.Zero;
        for (int i = 0; i < count; i++) v = v.WithElement(i, p[i]);
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Save(Vector256<float> v, float* p, int count)
    {
        if (count == 8) { v.Store(p); return; }
        for (int i = 0; i < count; i++) p[i] = v.GetElement(i);
    }

    /// <summary>
    /// Runs <paramref name="loop"/>(from, to) over the <paramref name="rows"/> sequences of the batch: in one part, or, for
    /// products of at least <see cref="ParallelWork"/> multiply-adds per timestep (rows·n², n = H), split by sequences
    /// (multiples of 4) over libtorch's thread count. A sequence's h_t depends only on its own h_{t−1} (and δ_t on its
    /// own ∂L/∂a_{t+1}), so the parts never wait for each other, and each element is the same chain in any part: the bits
    /// do not depend on the number of threads.
    /// </summary>
    private static void InParts(int rows, int n, Action<int, int> loop)
    {
        int parts = (long)rows * n * n >= ParallelWork ? Math.Min(get_num_threads(), rows / 4) : 1;
        if (parts <= 1)
        {
            loop(0, rows);
            return;
        }
        int width = rows / 4 / parts * 4;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts },
            part => loop(part * width, part == parts - 1 ? rows : (part + 1) * width));
    }

    /// <summary>
    /// Multiply-adds of one timestep's product (B·H²) from which a loop is split over threads: H = 256 at B = 32. Loops
    /// of smaller products, a stack of 16 runs of H = 64 included, ran slower split on the benchmark machine.
    /// </summary>
    private const long ParallelWork = 1L << 21;

    /// <summary>What a loop does with its finished sums (row, first column, columns): the forward and backward epilogues.</summary>
    private interface IStore
    {
        void Store(Vector256<float> sums, int row, int column, int count);
    }

    /// <summary>a_t to the kept pre-activations (rows below <c>kept</c>), f(a_t) to the hidden state.</summary>
    private readonly struct ForwardStore<TFunction>(float* hidden, float* pre, int kept, int n) : IStore where TFunction : struct, IVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector256<float> sums, int row, int column, int count)
        {
            long at = (long)row * n + column;
            if (row < kept) Save(sums, pre + at, count);
            Save(default(TFunction).Apply(sums), hidden + at, count);
        }
    }

    /// <summary>δ_t to the deltas, δ_t ⊙ f'(a_t) over f'(a_t).</summary>
    private readonly struct BackwardStore(float* delta, float* da, int n) : IStore
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(Vector256<float> sums, int row, int column, int count)
        {
            long at = (long)row * n + column;
            Save(sums, delta + at, count);
            Save(sums * Load(da + at, count), da + at, count);
        }
    }

    private interface IVectorFunction
    {
        Vector256<float> Apply(Vector256<float> x);
    }

    private readonly struct TanhFunction : IVectorFunction
    {
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.Tanh(x);
    }

    private readonly struct SigmoidFunction : IVectorFunction
    {
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.Sigmoid(x);
    }

    private readonly struct ReluFunction : IVectorFunction
    {
        public Vector256<float> Apply(Vector256<float> x) => VectorMath.Relu(x);
    }
}
