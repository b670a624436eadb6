using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace RnnPipeline.Training;

/// <summary>Process-wide TorchSharp settings, applied in one place.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Sets the number of intra-op CPU threads (≥ 1), shortens how long libtorch's idle threads spin
    /// (<see cref="ShortenSpinning"/>, when libtorch is not loaded yet) and, on Linux with glibc, keeps the memory of freed
    /// tensors for reuse (<see cref="KeepFreedMemory"/>).
    /// </summary>
    public static void Configure(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ShortenSpinning();
        set_num_threads(threads);
        KeepFreedMemory();
    }

    /// <summary>
    /// libtorch's OpenMP threads (GNU libgomp) spin after each parallel operation before they sleep, 300,000 rounds by
    /// default (GOMP_SPINCOUNT in the libgomp manual), several milliseconds on the benchmark machine. The fused
    /// recurrence loops run between libtorch's operations on threads of their own, which then shared the second core
    /// with a spinning libtorch thread: at H = 256 on two threads the loops took as long split as unsplit. 10,000
    /// rounds (a fraction of a millisecond) keeps libtorch's threads awake between its back-to-back operations and
    /// frees the core for the loops (docs/performance.md). Set only when libtorch is not loaded yet (libgomp reads it
    /// once) and the environment has no value of its own; it changes timing, never a value.
    /// </summary>
    private static void ShortenSpinning()
    {
        if (OperatingSystem.IsLinux() && !KernelPinning.LibTorchLoaded() && KernelPinning.Get("GOMP_SPINCOUNT") is null)
            KernelPinning.Set("GOMP_SPINCOUNT", "10000");
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
