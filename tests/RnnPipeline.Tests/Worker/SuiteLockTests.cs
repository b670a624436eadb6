using RnnPipeline.Options;
using RnnPipeline.Worker.Jobs;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Tests.Worker;

/// <summary>One suite per suite folder at a time: processes of the same suite share it, a same-named suite of other settings is refused.</summary>
public sealed class SuiteLockTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-suite-lock-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Suite Named(string name, int steps) => new(name, "", "s.json", [new RunSpec { Name = "a", Training = { Steps = steps } }]);

    [Fact]
    public void Acquire_SameSuiteTwice_Shares()
    {
        using var first = SuiteLock.Acquire(Named("s", 10), _folder);
        using var second = SuiteLock.Acquire(Named("s", 10), _folder);
    }

    [Fact]
    public void Acquire_SameNameOtherSettings_WhileTheFirstRuns_IsRefused()
    {
        using var first = SuiteLock.Acquire(Named("s", 10), _folder);
        var refused = Assert.Throws<InputException>(() => SuiteLock.Acquire(Named("s", 20), _folder));
        Assert.Contains("another process running a suite named 's' with other runs or settings", refused.Message);
        Assert.Contains("another Name", refused.Message);
    }

    [Fact]
    public void Acquire_SameNameOtherSettings_AfterTheFirstEnded_TakesTheFolderAndLeavesNoLockFile()
    {
        SuiteLock.Acquire(Named("s", 10), _folder).Dispose();
        File.WriteAllText(Path.Combine(_folder, $".suite-{SuiteLock.Fingerprint(Named("s", 30))}.lock"), "");   // left by a killed process
        SuiteLock.Acquire(Named("s", 20), _folder).Dispose();
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public void Fingerprint_DependsOnRunNamesAndSettingsOnly() =>
        Assert.Equal(
            [SuiteLock.Fingerprint(Named("s", 10)), SuiteLock.Fingerprint(Named("s", 10)) != SuiteLock.Fingerprint(Named("s", 11)) ? "differs" : "same"],
            [SuiteLock.Fingerprint(Named("t", 10)), "differs"]);
}
