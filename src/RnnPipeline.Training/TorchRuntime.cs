using static TorchSharp.torch;

namespace RnnPipeline.Training;

/// <summary>Process-wide TorchSharp settings, applied in one place.</summary>
public static class TorchRuntime
{
    /// <summary>Sets the number of intra-op CPU threads (≥ 1).</summary>
    public static void Configure(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        set_num_threads(threads);
    }
}
