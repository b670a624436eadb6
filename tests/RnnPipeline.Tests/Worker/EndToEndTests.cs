namespace RnnPipeline.Tests.Worker;

/// <summary>The worker as a user runs it: a tiny suite end to end, cancellation, resume.</summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    private static readonly string[] Runs = ["text-tanh", "text-relu", "recall-tanh", "recall-relu"];

    [Fact]
    public void TinySuite_RunsEndToEnd_WritesEveryArtifactAndExitsZero()
    {
        string suite = _suites.Write("tiny.json", TestSuites.Tiny);
        var result = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", _suites.Output);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        string root = Path.Combine(_suites.Output, "tiny");
        foreach (string run in Runs)
        {
            Assert.True(File.Exists(Path.Combine(root, run, "checkpoint.bin")), run);
            Assert.True(File.Exists(Path.Combine(root, run, "run.json")), run);
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(root, run, "data"), "*.idv"));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(root, run, "data"), "*.csv"));
        }
        Assert.True(new FileInfo(Path.Combine(root, "report.html")).Length > 10_000);
        Assert.NotEmpty(Directory.GetFiles(root, "*.png", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(root, "*.tmp", SearchOption.AllDirectories));
        Assert.Contains("report.html", result.Stdout);
        Assert.Contains("horizon", result.Stdout);
    }

    [Fact]
    public void Sigterm_MidRun_CheckpointsExits130_AndResumeMatchesUninterruptedRun()
    {
        string suite = _suites.Write("tiny.json", TestSuites.Tiny.Replace("\"Steps\": 24", "\"Steps\": 400"));
        string[] common = ["--suite", suite, "--threads", "1", "--Worker:ProgressSeconds=0.1"];

        var cancelled = WorkerProcess.RunAndTerminate(_suites.Folder, line => line.Contains("[text-tanh] step"),
            [.. common, "--output", Path.Combine(_suites.Folder, "resumed")]);
        Assert.True(cancelled.ExitCode == 130, cancelled.Stdout + cancelled.Stderr);
        string interrupted = Path.Combine(_suites.Folder, "resumed", "tiny", "text-tanh");
        Assert.True(File.Exists(Path.Combine(interrupted, "checkpoint.bin")));
        Assert.Contains("Cancelled", File.ReadAllText(Path.Combine(interrupted, "run.json")));

        var resumed = WorkerProcess.Run(_suites.Folder, [.. common, "--output", Path.Combine(_suites.Folder, "resumed"), "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Contains("resuming at step", resumed.Stdout);

        var straight = WorkerProcess.Run(_suites.Folder, [.. common, "--output", Path.Combine(_suites.Folder, "straight")]);
        Assert.Equal(0, straight.ExitCode);
        foreach (string run in Runs)
        {
            string a = File.ReadAllText(Path.Combine(_suites.Folder, "resumed", "tiny", run, "data", "metrics.csv"));
            string b = File.ReadAllText(Path.Combine(_suites.Folder, "straight", "tiny", run, "data", "metrics.csv"));
            Assert.Equal(WithoutTimings(b), WithoutTimings(a));
        }
    }

    /// <summary>Drops wall-clock columns (throughput, elapsed), which legitimately differ between processes.</summary>
    internal static string WithoutTimings(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToArray();
        var keep = Enumerable.Range(0, lines[0].Length).Where(i => lines[0][i] is not ("CharsPerSecond" or "ElapsedSeconds")).ToArray();
        return string.Join('\n', lines.Select(l => string.Join(',', keep.Select(i => l[i]))));
    }
}
