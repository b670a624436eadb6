using System.Diagnostics;
using RnnPipeline.Training;
using static TorchSharp.torch;

namespace RnnPipeline.Bench;

/// <summary>
/// The machine's matrix-multiply throughput at the benchmark's thread count: float32 <c>torch.mm</c> of two
/// <see cref="Size"/>² matrices, best of a few repetitions. Measured between the variants' chunks, so that it sees the
/// same machine load as they do.
/// </summary>
internal sealed class SgemmPeak : IDisposable
{
    /// <summary>Matrix side.</summary>
    public const int Size = 2048;

    private readonly Tensor _a, _b;

    public SgemmPeak()
    {
        var generator = new Generator(7);
        _a = rand(Size, Size, generator: generator);
        _b = rand(Size, Size, generator: generator);
        Measure(1); // warm-up
    }

    /// <summary>Best GFLOP/s of <paramref name="repetitions"/> multiplications.</summary>
    public double Measure(int repetitions) => TorchGuard.Run(() =>
    {
        double best = 0;
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            using (var c = _a.mm(_b)) { }
            best = Math.Max(best, 2.0 * Size * Size * Size / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }
        return best;
    });

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}
