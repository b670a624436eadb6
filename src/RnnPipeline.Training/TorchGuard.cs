using System.Runtime;

namespace RnnPipeline.Training;

/// <summary>
/// The one door to tensor work: every public method of this library that calls into libtorch runs its work through
/// <see cref="Run{T}"/>. Off by default, it then only runs the work; a host that asks for it
/// (the obsolete <see cref="TorchRuntime.GuardCollections"/>) also keeps garbage collection away from native tensor calls.
/// <para>
/// Why it existed: TorchSharp turns every number handed to a tensor operation (the implicit alpha of <c>a + b</c>, a
/// threshold, a norm order) into a finalizable <c>Scalar</c> and reads its native handle before the call; nothing keeps
/// the Scalar alive during the call. A collection started by another thread (a logger, a parallel run) could then run its
/// finalizer while libtorch still read it: about one worker process in six failed so under load before this guard
/// existed. The cause is now removed where it arises (<see cref="OwnedScalars"/>), and nothing in this repository
/// enables the guard.
/// </para>
/// <para>
/// How, when enabled: while any <see cref="Run{T}"/> is in progress the process is in a no-GC region of
/// <see cref="RegionBytes"/>. Collections run when no work is in progress: once half the region's budget is used, the
/// last work to finish collects, and work that starts meanwhile waits for it (so parallel runs pause together about
/// every <see cref="RegionBytes"/>/2 of allocations: the price of the guard, and why it is opt-in). If threads allocate more than the whole
/// budget while work is in progress, the runtime ends the region itself and collects, which the guard cannot prevent;
/// the budget is many times what a training step allocates. Calls nest (only the outermost counts); the work must be
/// synchronous, since the nesting depth is per thread.
/// </para>
/// </summary>
internal static class TorchGuard
{
    /// <summary>
    /// Managed allocations allowed between collections (the no-GC region's size): garbage up to this much stays resident,
    /// so it is kept small; a training step allocates well under 1 MiB of wrappers.
    /// </summary>
    internal const long RegionBytes = 32L << 20;

    private static readonly object Gate = new();
    private static volatile bool _enabled;
    private static int _open;                 // threads inside a section
    private static bool _collectionDue;       // set when the budget is half used: new sections wait for the collection
    private static long _regionStart;         // GC.GetTotalAllocatedBytes when the region started
    [ThreadStatic] private static int t_depth;

    /// <summary>Whether the process asked for the guard (<see cref="TorchRuntime.GuardCollections"/>).</summary>
    internal static bool Enabled => _enabled;

    /// <summary>Turns the guard on for the rest of the process.</summary>
    internal static void Enable() => _enabled = true;

    /// <summary>Turns the guard off and ends its no-GC region (the guard's own tests, which run alone, undo <see cref="Enable"/>).</summary>
    internal static void Disable()
    {
        lock (Gate)
        {
            _enabled = false;
            try { GC.EndNoGCRegion(); }
            catch (InvalidOperationException) { }                              // no region, or a collection already ended it
        }
    }

    /// <summary>Runs <paramref name="work"/> (tensor calls) inside a guarded section when the guard is enabled.</summary>
    internal static T Run<T>(Func<T> work)
    {
        using var section = new Section();
        return work();
    }

    /// <summary>Runs <paramref name="work"/> (tensor calls) inside a guarded section when the guard is enabled.</summary>
    internal static void Run(Action work)
    {
        using var section = new Section();
        work();
    }

    /// <summary>
    /// A point inside long work (between chunks of a long text) where no native call is in flight: a due collection
    /// runs here, as if the work finished and started again, so its garbage stays within the region. Call it only where
    /// the thread holds no lock that a thread inside other work may wait for: it waits for them.
    /// </summary>
    internal static void SafePoint()
    {
        if (!_enabled || t_depth != 1) return;                                 // only the outermost section may pause
        Exit();
        Enter();
    }

    private static void Enter()
    {
        if (t_depth++ > 0) return;
        lock (Gate)
        {
            while (_collectionDue) Monitor.Wait(Gate);
            if (_open == 0 && !InRegion) CollectAndStartRegion();
            _open++;
        }
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

    /// <summary>An open section (a no-op when the guard is off); a ref struct, so it can be neither copied nor kept.</summary>
    private ref struct Section
    {
        private bool _entered;

        public Section()
        {
            if (!_enabled) return;
            Enter();
            _entered = true;
        }

        public void Dispose()
        {
            if (!_entered) return;
            _entered = false;
            Exit();
        }
    }
}
