using System.Runtime;

namespace RnnPipeline.Training;

/// <summary>
/// Keeps garbage collection away from native tensor calls.
/// <para>
/// TorchSharp turns every number handed to a tensor operation (the implicit alpha of <c>a + b</c>, a threshold, a norm
/// order) into a finalizable <c>Scalar</c> and reads its native handle before the call; nothing keeps the Scalar alive
/// during the call. A collection started by another thread (a logger, a parallel run) can then run its finalizer while
/// libtorch still reads it, and the operation fails with "Unknown scalar type" or a failed check in
/// <c>Scalar::toDouble</c> — seen in about one worker process in six under load.
/// </para>
/// <para>
/// Tensor work therefore runs in <see cref="Enter"/> sections. While any section is open the process is in a no-GC
/// region, so no collection (and no finalizer) can start; collections run only when no section is open: when the region's
/// allocation budget is half used, the next section to close with none left open collects, and sections opened meanwhile
/// wait for it. Whatever is finalized then was unreachable while no native call was in flight. Sections nest; only the
/// outermost one on a thread counts. Tensor code outside sections is not protected.
/// </para>
/// </summary>
public static class TorchGuard
{
    /// <summary>
    /// Managed allocations allowed between collections (the no-GC region's size): garbage up to this much stays resident,
    /// so it is kept small; a training step allocates well under 1 MiB of wrappers.
    /// </summary>
    private const long RegionBytes = 32L << 20;

    private static readonly object Gate = new();
    private static int _open;                 // threads inside a section
    private static bool _collectionDue;       // set when the budget is half used: new sections wait for the collection
    private static long _regionStart;         // GC.GetTotalAllocatedBytes when the region started
    [ThreadStatic] private static int t_depth;

    /// <summary>Opens a section; dispose it when the tensor work is done.</summary>
    public static Section Enter()
    {
        if (t_depth++ > 0) return new Section();
        lock (Gate)
        {
            while (_collectionDue) Monitor.Wait(Gate);
            if (_open == 0 && !InRegion) CollectAndStartRegion();
            _open++;
        }
        return new Section();
    }

    /// <summary>
    /// A point inside a long section (between chunks of a long text) where no native call is in flight: a due collection
    /// runs here, as if the section closed and opened again, so the section's garbage stays within the region. Call it
    /// only where the thread holds no lock that a thread inside another section may wait for: it waits for them.
    /// </summary>
    public static void SafePoint()
    {
        if (t_depth != 1) return;                                            // only the outermost section may pause
        Exit();
        Enter();
    }

    private static void Exit()
    {
        if (--t_depth > 0) return;
        lock (Gate)
        {
            _open--;
            _collectionDue |= !InRegion || GC.GetTotalAllocatedBytes() - _regionStart > RegionBytes / 2;
            if (_collectionDue && _open == 0)
            {
                CollectAndStartRegion();
                _collectionDue = false;
                Monitor.PulseAll(Gate);
            }
        }
    }

    private static bool InRegion => GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    private static void CollectAndStartRegion()
    {
        // A region that a collection ended (GC.Collect elsewhere, or the budget exceeded) still counts as started until
        // EndNoGCRegion, which then throws; without a region it throws too. Either way the next start is allowed.
        try { GC.EndNoGCRegion(); }
        catch (InvalidOperationException) { }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _regionStart = GC.GetTotalAllocatedBytes();
        try { GC.TryStartNoGCRegion(RegionBytes); }
        catch (InvalidOperationException) { }                                  // the host runs its own region: no guard
        GC.WaitForPendingFinalizers();                                          // starting may have collected too
    }

    /// <summary>An open section; disposing it closes it.</summary>
    public readonly struct Section : IDisposable
    {
        /// <summary>Closes the section.</summary>
        public void Dispose() => Exit();
    }
}
