using RnnPipeline.Worker.Jobs;

namespace RnnPipeline.Tests.Worker;

/// <summary>
/// A suite's open files do not grow with its run count: a run holds its folder's lock only while it is checked and while
/// it trains, and a stack of runs is no larger than the open-file limit lets hold their locks.
/// </summary>
public sealed class OpenFileLimitTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    [Fact]
    public void RunsPerUnit_SharesWhatTheLimitLeavesBeyondTheReserve_BetweenOneAndTheCap()
    {
        Assert.Equal(OpenFiles.MaxRunsPerUnit, OpenFiles.RunsPerUnit(null, 1));
        Assert.Equal(OpenFiles.MaxRunsPerUnit, OpenFiles.RunsPerUnit(1_048_576, 1));
        Assert.Equal(1, OpenFiles.RunsPerUnit(OpenFiles.Reserved - 100, 1));
        Assert.Equal(50, OpenFiles.RunsPerUnit(OpenFiles.Reserved + 100, 1));   // (limit − reserve) / 2
        Assert.Equal(25, OpenFiles.RunsPerUnit(OpenFiles.Reserved + 100, 2));
    }

    [Fact]
    public void Limit_OfThisProcess_IsTheSoftLimitOfProcSelfLimits()
    {
        string line = File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        string soft = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        Assert.Equal(soft == "unlimited" ? null : long.Parse(soft), OpenFiles.Limit());
    }

    /// <summary>
    /// 80 runs under a limit of 250 open files: the worker alone holds a little under 200 (assemblies, native libraries),
    /// so a lock per run held for the whole process does not fit, while one run's lock at a time does.
    /// </summary>
    [Fact]
    public void ManyRuns_UnderALowOpenFileLimit_AllTrain()
    {
        string seeds = string.Join(", ", Enumerable.Range(1, 80));
        string suite = _suites.Write("many.json", $$"""
            {
              "Name": "many",
              "Defaults": {
                "Model": { "HiddenSize": 2 },
                "Training": { "Steps": 1, "BatchSize": 1, "WindowLength": 4, "EvalEvery": 1, "EvalWindows": 1 },
                "Diagnostics": { "Every": 0 }
              },
              "Runs": [ { "Name": "t", "Corpus": { "Kind": "TextFile", "Path": "tiny.txt", "ValidationFraction": 0.2 }, "Grid": { "Seeds": [{{seeds}}] } } ]
            }
            """);
        var result = WorkerProcess.RunWithOpenFileLimit(_suites.Folder, 250, "--suite", suite, "--output", _suites.Output, "--threads", "1");
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}{result.Stdout[^Math.Min(2000, result.Stdout.Length)..]}");
        Assert.Equal(80, Directory.GetFiles(Path.Combine(_suites.Output, "many"), "checkpoint.bin", SearchOption.AllDirectories).Length);
    }
}
