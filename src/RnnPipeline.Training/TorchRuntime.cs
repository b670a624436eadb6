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
    /// Not needed, and slower: keeps garbage collection away from this library's tensor calls for the rest of the
    /// process (no-GC regions while tensor work runs, blocking collections between them; see <see cref="TorchGuard"/>).
    /// It was the remedy for TorchSharp <c>Scalar</c>s finalized by a collection during a native call; the library now
    /// owns every Scalar it hands to TorchSharp (<see cref="OwnedScalars"/>), so any host, with any number of allocating
    /// threads, is safe without it. Kept so that hosts which call it still build; it will be removed.
    /// </summary>
    [Obsolete("Not needed: the library owns every Scalar it hands to TorchSharp, so collections cannot reach one during a native call. Remove the call.")]
    public static void GuardCollections() => TorchGuard.Enable();

    /// <summary>Whether <see cref="GuardCollections"/> was called in this process.</summary>
    [Obsolete("GuardCollections is not needed and will be removed.")]
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
