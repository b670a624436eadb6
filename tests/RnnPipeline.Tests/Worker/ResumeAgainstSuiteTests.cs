using RnnPipeline.IO;

namespace RnnPipeline.Tests.Worker;

/// <summary>
/// --resume checks the saved state against the suite, as --report does: settings changed since a run was saved, data
/// views copied from another run, or a checkpoint listed in SHA256SUMS but deleted give exit 2 with one line naming the
/// run and the fix, and change nothing on disk.
/// </summary>
public sealed class ResumeAgainstSuiteTests : IClassFixture<ResumeAgainstSuiteTests.FinishedSuite>, IDisposable
{
    private readonly FinishedSuite _finished;
    private readonly TestSuites _suites = new();

    public ResumeAgainstSuiteTests(FinishedSuite finished) => _finished = finished;

    public void Dispose() => _suites.Dispose();

    /// <summary>The tiny suite trained to the end once (its four runs completed).</summary>
    public sealed class FinishedSuite : IDisposable
    {
        internal TestSuites Suites { get; } = new();
        public string Output => Path.Combine(Suites.Folder, "out");

        public FinishedSuite()
        {
            var result = WorkerProcess.Run(Suites.Folder, "--suite", Suites.Write("tiny.json", TestSuites.Tiny), "--output", Output, "--threads", "1");
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        }

        public void Dispose() => Suites.Dispose();
    }

    private string Run(string name) => Path.Combine(_suites.Output, "tiny", name);

    private string CopyFinished()
    {
        foreach (string file in Directory.GetFiles(_finished.Output, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(_suites.Output, Path.GetRelativePath(_finished.Output, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return _suites.Write("tiny.json", TestSuites.Tiny);
    }

    private Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(_suites.Output, "*", SearchOption.AllDirectories).ToDictionary(f => f, FileChecksums.Hash);

    private void AssertResumeRefused(string suite, string[] extra, params string[] expected)
    {
        var before = Snapshot();
        var result = WorkerProcess.Run(_suites.Folder, ["--suite", suite, "--output", _suites.Output, "--threads", "1", "--resume", .. extra]);
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stdout}{result.Stderr}");
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        foreach (string e in expected) Assert.Contains(e, line);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void Resume_FinishedRunsAfterStepsChanged_ExitsTwoNamingTheSetting()
    {
        string suite = CopyFinished();
        foreach (string run in new[] { "text-tanh", "text-relu", "recall-tanh", "recall-relu" }) File.Delete(Path.Combine(Run(run), "checkpoint.bin"));
        AssertResumeRefused(suite, ["--Suite:Defaults:Training:Steps=30"], "Training.Steps 24 → 30", "new --output", "delete");
    }

    [Fact]
    public void ResumeAndReport_AfterAReportOnlySettingChanged_KeepEveryFinishedRun()
    {
        string suite = CopyFinished();
        string[] reportOnly = ["--Suite:Defaults:Probe:SolvedThreshold=0.5", "--Suite:Defaults:Probe:ErrorRate=0.01", "--Suite:Defaults:Probe:Replicate=false"];
        var before = Snapshot().Where(f => f.Key.EndsWith("checkpoint.bin", StringComparison.Ordinal)).ToArray();

        var resume = WorkerProcess.Run(_suites.Folder, ["--suite", suite, "--output", _suites.Output, "--threads", "1", "--resume", .. reportOnly]);
        var report = WorkerProcess.Run(_suites.Folder, ["--suite", suite, "--output", _suites.Output, "--report", .. reportOnly]);

        Assert.True(resume.ExitCode == 0, $"exit {resume.ExitCode}: {resume.Stdout}{resume.Stderr}");
        Assert.Equal(before, Snapshot().Where(f => f.Key.EndsWith("checkpoint.bin", StringComparison.Ordinal)).ToArray());  // nothing retrained
        Assert.True(report.ExitCode == 0, $"exit {report.ExitCode}: {report.Stdout}{report.Stderr}");
        Assert.DoesNotContain("not in the report", report.Stdout + report.Stderr);
        Assert.True(File.Exists(Path.Combine(_suites.Output, "tiny", "report.html")));
    }

    [Fact]
    public void Resume_DataViewsCopiedFromAnotherRun_ExitsTwoNamingBothRuns()
    {
        string suite = CopyFinished();
        Directory.Delete(Path.Combine(Run("text-tanh"), "data"), recursive: true);
        Directory.CreateDirectory(Path.Combine(Run("text-tanh"), "data"));
        foreach (string file in Directory.GetFiles(Path.Combine(Run("text-relu"), "data")))
            File.Copy(file, Path.Combine(Run("text-tanh"), "data", Path.GetFileName(file)));
        AssertResumeRefused(suite, [], "belong to run tiny/text-relu", "not to tiny/text-tanh");
    }

    [Fact]
    public void Resume_OneDataViewOfAnotherRunWithMatchingChecksum_ExitsTwoNamingTheFile()
    {
        string suite = CopyFinished();
        string data = Path.Combine(Run("text-tanh"), "data"), metrics = Path.Combine(data, "metrics.idv");
        string sums = Path.Combine(data, FileChecksums.FileName), old = FileChecksums.Hash(metrics);
        File.Copy(Path.Combine(Run("text-relu"), "data", "metrics.idv"), metrics, overwrite: true);
        File.WriteAllText(sums, File.ReadAllText(sums).Replace(old, FileChecksums.Hash(metrics)));
        AssertResumeRefused(suite, [], metrics, "holds rows of run tiny/text-relu");
    }

    [Fact]
    public void Resume_CheckpointListedButDeleted_ExitsTwoInsteadOfRestarting()
    {
        string suite = CopyFinished();
        string state = Path.Combine(Run("text-tanh"), "run.json");
        // As a run stopped mid-way would have it: unfinished state, checkpoint listed in SHA256SUMS, then deleted by hand.
        string sums = Path.Combine(Run("text-tanh"), FileChecksums.FileName), old = FileChecksums.Hash(state);
        File.WriteAllText(state, File.ReadAllText(state).Replace("\"Completed\"", "\"Cancelled\""));
        File.WriteAllText(sums, File.ReadAllText(sums).Replace(old, FileChecksums.Hash(state)));
        File.Delete(Path.Combine(Run("text-tanh"), "checkpoint.bin"));
        AssertResumeRefused(suite, [], "checkpoint.bin' is missing", "listed in SHA256SUMS");
    }

    [Fact]
    public void Report_AfterAReportWriterWasKilled_DeletesItsTemporaryFiles()
    {
        string suite = CopyFinished();
        string orphan = Path.Combine(_suites.Output, "tiny", "plots", $"heatmap-text-tanh.png.2147483646.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(orphan, "half a PNG");
        var result = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", _suites.Output, "--report");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.False(File.Exists(orphan));
        Assert.Empty(Directory.GetFiles(Path.Combine(_suites.Output, "tiny"), "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Resume_UnchangedFinishedSuite_KeepsItsRuns()
    {
        string suite = CopyFinished();
        var result = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", _suites.Output, "--threads", "1", "--resume");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
    }
}
