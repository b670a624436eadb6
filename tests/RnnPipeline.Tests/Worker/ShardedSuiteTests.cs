using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Tests.Worker;

/// <summary>A suite split over shard processes that share one output folder, then merged by --report.</summary>
public sealed class ShardedSuiteTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    [Fact]
    public async Task ThreeShards_OneInterruptedAndResumed_MergeEqualsSingleProcessRun()
    {
        string suiteFile = _suites.Write("tiny.json", TestSuites.Tiny.Replace("\"Steps\": 24", "\"Steps\": 400"));
        string[] common = ["--suite", suiteFile, "--threads", "1", "--Worker:ProgressSeconds=0.1"];
        string single = Path.Combine(_suites.Folder, "single"), shared = Path.Combine(_suites.Folder, "shared");
        var suite = SuiteLoader.Load(suiteFile);
        string[] all = [.. suite.Runs.Select(r => r.Name)];
        string[] interruptedRuns = Owned(suite, 1);
        Assert.Equal(2, interruptedRuns.Length);

        var whole = WorkerProcess.Run(_suites.Folder, [.. common, "--output", single]);
        Assert.True(whole.ExitCode == 0, whole.Stdout + whole.Stderr);

        // Shards 0 and 2 run at the same time as shard 1, which is stopped (SIGTERM, as a cluster preempts) in its first run.
        var running = new[] { 0, 2 }.Select(i => Task.Run(() => WorkerProcess.Run(_suites.Folder, [.. common, "--output", shared, "--shard", $"{i}/3"]))).ToArray();
        var stopped = WorkerProcess.RunAndTerminate(_suites.Folder, line => line.Contains("] step "), [.. common, "--output", shared, "--shard", "1/3"]);
        var others = await Task.WhenAll(running);
        Assert.True(stopped.ExitCode == 130, stopped.Stdout + stopped.Stderr);
        Assert.Contains("shard 1/3: 2 of 4 run(s)", stopped.Stdout);
        Assert.All(others, r => Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr));
        string[] Started(WorkerProcess.Result r) => [.. all.Where(run => r.Stdout.Contains($"[{run}] start"))];
        Assert.Equal(Owned(suite, 0), Started(others[0]));
        Assert.Equal(Owned(suite, 2), Started(others[1]));
        Assert.Equal([interruptedRuns[0]], Started(stopped));
        string folder = Path.Combine(shared, "tiny");
        Assert.False(File.Exists(Path.Combine(folder, "report.html")), "shards leave the report to --report");
        Assert.False(Directory.Exists(Path.Combine(folder, "plots")));

        // Merging now renders what is finished and names the runs shard 1 still owes.
        var partial = WorkerProcess.Run(_suites.Folder, [.. common, "--output", shared, "--report"]);
        Assert.True(partial.ExitCode == 1, partial.Stdout + partial.Stderr);
        string partialReport = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("Not in this report: 2 of 4 runs", partialReport);
        foreach (string run in interruptedRuns)
        {
            Assert.Contains($"[{run}] not in the report", partial.Stdout + partial.Stderr);
            Assert.Contains($"<b>{run}</b>", partialReport);
        }

        // Retrying shard 1 finishes its runs and leaves the other shards' runs alone.
        var untouched = all.Except(interruptedRuns).SelectMany(run => Directory.GetFiles(Path.Combine(folder, run), "*", SearchOption.AllDirectories))
            .ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var resumed = WorkerProcess.Run(_suites.Folder, [.. common, "--output", shared, "--shard", "1/3", "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Contains($"[{interruptedRuns[0]}] resuming at step", resumed.Stdout);
        Assert.Equal([interruptedRuns[1]], Started(resumed));
        Assert.All(untouched, f => Assert.Equal(f.Value, File.GetLastWriteTimeUtc(f.Key)));

        var merged = WorkerProcess.Run(_suites.Folder, [.. common, "--output", shared, "--report"]);
        Assert.True(merged.ExitCode == 0, merged.Stdout + merged.Stderr);
        foreach (string run in all)
            foreach (string csv in Directory.GetFiles(Path.Combine(single, "tiny", run, "data"), "*.csv"))
                Assert.Equal(EndToEndTests.WithoutTimings(File.ReadAllText(csv)),
                    EndToEndTests.WithoutTimings(File.ReadAllText(Path.Combine(folder, run, "data", Path.GetFileName(csv)))));
        Assert.Equal(SummaryTable(whole.Stdout, all), SummaryTable(merged.Stdout, all));
        Assert.Equal(File.ReadAllBytes(Path.Combine(single, "tiny", "report.html")), File.ReadAllBytes(Path.Combine(folder, "report.html")));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories));
    }

    private static string[] Owned(Suite suite, int shard) => [.. ShardAssignment.RunsOf(suite.Runs, new Shard(shard, 3)).Select(i => suite.Runs[i].Name)];

    /// <summary>The summary table's header and run rows, without the time of day.</summary>
    private static string[] SummaryTable(string stdout, string[] runs)
    {
        string[] rows = [.. stdout.Split('\n').Select(l => l.TrimEnd().Length > 9 ? l.TrimEnd()[9..] : "")
            .Where(l => l.StartsWith("run ", StringComparison.Ordinal) || runs.Any(r => l.StartsWith(r + " ", StringComparison.Ordinal)))];
        Assert.Equal(runs.Length + 1, rows.Length);
        return rows;
    }
}
