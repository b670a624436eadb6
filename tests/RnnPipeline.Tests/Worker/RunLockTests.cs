using RnnPipeline.Worker.Jobs;

namespace RnnPipeline.Tests.Worker;

/// <summary>A writer excludes everyone; readers (--report) share a run folder. flock locks of separate opens conflict as between processes.</summary>
public sealed class RunLockTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-lock-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TryAcquire_TwoReaders_ShareTheFolder()
    {
        using var first = RunLock.TryAcquire(_folder, "reading", shared: true);
        using var second = RunLock.TryAcquire(_folder, "reading", shared: true);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(RunLock.TryAcquire(_folder, "training"));
    }

    [Fact]
    public void TryAcquire_WhileAWriterHoldsIt_RefusesReadersAndWriters()
    {
        using var writer = RunLock.TryAcquire(_folder, "training");
        Assert.NotNull(writer);
        Assert.Null(RunLock.TryAcquire(_folder, "reading", shared: true));
        Assert.Null(RunLock.TryAcquire(_folder, "training"));
    }

    [Fact]
    public void Dispose_Reader_LeavesTheHolderTextOfTheLastWriter()
    {
        File.WriteAllText(Path.Combine(_folder, RunLock.FileName), "process 1 on x, training\n");
        RunLock.TryAcquire(_folder, "reading", shared: true)!.Dispose();
        Assert.Equal("process 1 on x, training\n", File.ReadAllText(Path.Combine(_folder, RunLock.FileName)));
        using var writer = RunLock.TryAcquire(_folder, "training");
        Assert.Equal("process 1 on x, training", writer!.PreviousHolder);
    }
}
