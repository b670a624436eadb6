using System.Runtime;
using RnnPipeline.Training;

namespace RnnPipeline.Tests.Training;

/// <summary>Counts collections, so nothing else may collect meanwhile: runs alone.</summary>
[CollectionDefinition(nameof(TorchGuardTests), DisableParallelization = true)]
public sealed class TorchGuardCollection;

/// <summary>The obsolete opt-in guard, turned on for each test and off after it (the rest of the suite runs unguarded).</summary>
[Collection(nameof(TorchGuardTests))]
public sealed class TorchGuardTests : IDisposable
{
    public TorchGuardTests() => TorchGuard.Enable();

    public void Dispose() => TorchGuard.Disable();

    private const int MiB = 1 << 20;

    /// <summary>Allocates <paramref name="mebibytes"/> MiB in small arrays on another thread, as a logger or a parallel run would.</summary>
    private static void AllocateOnAnotherThread(int mebibytes) =>
        Task.Run(() =>
        {
            for (int i = 0; i < mebibytes * 64; i++) GC.KeepAlive(new byte[MiB / 64]);
        }).Wait();

    /// <summary>
    /// Uses more than half of whatever region is open (or all of it), so closing the section collects and the next
    /// section starts a fresh region: each test's budget then does not depend on the tests that ran before it.
    /// </summary>
    private static void StartFreshRegion()
    {
        TorchGuard.Run(() => AllocateOnAnotherThread(20));
    }

    [Fact]
    public void Run_OtherThreadAllocates12MiB_NoCollectionStartsMeanwhile()
    {
        StartFreshRegion();
        TorchGuard.Run(() =>
        {
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            int before = GC.CollectionCount(0);
            AllocateOnAnotherThread(12);
            Assert.Equal(before, GC.CollectionCount(0));
        });
    }

    [Fact]
    public void Run_AfterHalfTheBudgetWasAllocated_CollectsBeforeTheNextRunStarts()
    {
        StartFreshRegion();
        int before = TorchGuard.Run(() =>
        {
            int before = GC.CollectionCount(0);
            AllocateOnAnotherThread(20);                                    // more than half of the 32 MiB region
            Assert.Equal(before, GC.CollectionCount(0));
            return before;
        });
        Assert.True(GC.CollectionCount(0) > before, "the last section to close collects");
        TorchGuard.Run(() => Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode));
    }

    [Fact]
    public void Run_AfterTheBudgetWasExceeded_StartsANewRegion()
    {
        TorchGuard.Run(() => AllocateOnAnotherThread(100));                 // past the region's budget: the runtime ends it
        TorchGuard.Run(() => Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode));
    }

    [Fact]
    public void SafePoint_InALongSectionPastHalfTheBudget_CollectsAndStaysGuarded()
    {
        StartFreshRegion();
        TorchGuard.Run(() =>
        {
            AllocateOnAnotherThread(20);
            int before = GC.CollectionCount(0);
            TorchGuard.SafePoint();
            Assert.True(GC.CollectionCount(0) > before, "a due collection runs at the safe point");
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        });
    }

    [Fact]
    public void Run_Nested_OnlyTheOutermostSectionCounts()
    {
        StartFreshRegion();
        int before = GC.CollectionCount(0);
        TorchGuard.Run(() =>
        {
            TorchGuard.Run(() => AllocateOnAnotherThread(20));
            Assert.Equal(before, GC.CollectionCount(0));                    // the inner section's end did not collect
        });
        Assert.True(GC.CollectionCount(0) > before);
    }
}
