using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace RnnPipeline.Training;

/// <summary>Process-wide TorchSharp settings, applied in one place.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Sets the number of intra-op CPU threads (≥ 1) and, on Linux with glibc, keeps the memory of freed tensors for
    /// reuse (<see cref="KeepFreedMemory"/>).
    /// </summary>
    public static void Configure(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        set_num_threads(threads);
        KeepFreedMemory();
    }

    /// <summary>
    /// Keeps garbage collection away from native tensor calls for the rest of the process (see
    /// <see cref="TorchGuard"/>). A host that runs tensor work on several threads while other threads allocate (the
    /// worker's parallel runs, a server that featurizes on request threads) should call it once at start-up: without
    /// it, a collection can finalize a TorchSharp <c>Scalar</c> while libtorch reads it. It changes the process's GC
    /// latency mode (no-GC regions while tensor work runs, blocking collections between them), which is why a library
    /// consumer's process keeps its own mode unless it asks.
    /// </summary>
    public static void GuardCollections() => TorchGuard.Enable();

    /// <summary>Whether <see cref="GuardCollections"/> was called in this process.</summary>
    public static bool CollectionsGuarded => TorchGuard.Enabled;

    /// <summary>
    /// A training step frees and allocates the same large tensors again every step (a stacked step of 6 runs at
    /// H = 64 holds several 6 MiB tensors). glibc's malloc gives such blocks back to the system when they are freed
    /// (mmap above its threshold, trimming the heap top above another), so the next step touches fresh pages, and on
    /// a virtual machine every page fault is expensive. Raising both thresholds keeps freed blocks in the heap: the
    /// resident set stays at its peak instead of shrinking between steps. Measured with `make bench`'s sweep table
    /// (docs/performance.md). Does nothing where glibc is absent.
    /// </summary>
    private static void KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            MallocOption(TrimThreshold, int.MaxValue);
            MallocOption(MmapThreshold, 32 << 20);                                 // blocks up to 32 MiB come from the heap
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }  // not glibc (musl, …)
    }

    private const int TrimThreshold = -1, MmapThreshold = -3;                      // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD (malloc.h)

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int MallocOption(int parameter, int value);
}
