using System.Diagnostics;
using System.Security.Cryptography;
using RnnPipeline.IO;

namespace RnnPipeline.Tests.Worker;

/// <summary>
/// Persisted state as a user meets it: damaged, truncated or foreign checkpoints and data views are bad input (exit 2,
/// one line, nothing changed), one process per run folder, and kill -9 at any moment loses nothing --resume cannot redo.
/// </summary>
public sealed class PersistedStateTests : IClassFixture<PersistedStateTests.CancelledSuite>, IDisposable
{
    private readonly CancelledSuite _cancelled;
    private readonly TestSuites _suites = new();

    public PersistedStateTests(CancelledSuite cancelled) => _cancelled = cancelled;

    public void Dispose() => _suites.Dispose();

    /// <summary>The tiny suite (400 steps) stopped by SIGTERM during text-tanh: its checkpoint, data views and run.json exist.</summary>
    public sealed class CancelledSuite : IDisposable
    {
        internal TestSuites Suites { get; } = new();
        public string Output => Path.Combine(Suites.Folder, "out");

        public CancelledSuite()
        {
            string suite = Suites.Write("tiny.json", LongTiny);
            var result = WorkerProcess.RunAndTerminate(Suites.Folder, line => line.Contains("[text-tanh] step"),
                "--suite", suite, "--output", Output, "--threads", "1", "--Worker:ProgressSeconds=0.1");
            Assert.True(result.ExitCode == 130, result.Stdout + result.Stderr);
        }

        public void Dispose() => Suites.Dispose();
    }

    private static readonly string LongTiny = TestSuites.Tiny.Replace("\"Steps\": 24", "\"Steps\": 400");
    private static readonly string[] Runs = ["text-tanh", "text-relu", "recall-tanh", "recall-relu"];

    private string Output => _suites.Output;
    private string TextTanh => Path.Combine(Output, "tiny", "text-tanh");

    /// <summary>A copy of the cancelled suite's output in this test's folder; returns the suite file.</summary>
    private string CopyCancelled()
    {
        foreach (string file in Directory.GetFiles(_cancelled.Output, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(Output, Path.GetRelativePath(_cancelled.Output, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return _suites.Write("tiny.json", LongTiny);
    }

    private WorkerProcess.Result Worker(string suite, params string[] extra) =>
        WorkerProcess.Run(_suites.Folder, ["--suite", suite, "--output", Output, "--threads", "1", .. extra]);

    /// <summary>Every file under the output with its SHA-256, to show that nothing changed.</summary>
    private Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(Output, "*", SearchOption.AllDirectories).ToDictionary(f => f, FileChecksums.Hash);

    private static void AssertOneError(WorkerProcess.Result result, params string[] expected)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stdout}{result.Stderr}");
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        foreach (string e in expected) Assert.Contains(e, line);
        Assert.DoesNotContain("One or more errors", line);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
    }

    private void AssertResumeRejected(string suite, Action damage, string[] extra, params string[] expected)
    {
        damage();
        var before = Snapshot();
        AssertOneError(Worker(suite, ["--resume", .. extra]), expected);
        Assert.Equal(before, Snapshot());
    }

    private static void Overwrite(string path, long position, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Open);
        stream.Position = position;
        stream.Write(bytes);
    }

    [Fact]
    public void Resume_CheckpointWithEightBytesOverwritten_ExitsTwoNamingItAndChangesNothing()
    {
        string suite = CopyCancelled();
        string checkpoint = Path.Combine(TextTanh, "checkpoint.bin");
        AssertResumeRejected(suite, () => Overwrite(checkpoint, new FileInfo(checkpoint).Length / 2, "XXXXXXXX"u8.ToArray()), [],
            checkpoint, "damaged", "without --resume");
    }

    [Fact]
    public void Resume_CheckpointTruncatedTo100Bytes_ExitsTwoNamingItAndChangesNothing()
    {
        string suite = CopyCancelled();
        string checkpoint = Path.Combine(TextTanh, "checkpoint.bin");
        AssertResumeRejected(suite, () => { using var f = new FileStream(checkpoint, FileMode.Open); f.SetLength(100); }, [],
            checkpoint, "truncated", "without --resume");
    }

    [Fact]
    public void Resume_CheckpointOfAnotherConfiguration_ExitsTwoWithoutWrapper()
    {
        string suite = CopyCancelled();
        AssertResumeRejected(suite, () => { }, ["--Suite:Defaults:Model:HiddenSize=9"], "checkpoint.bin", "different configuration", "without --resume");
    }

    [Fact]
    public void Resume_CheckpointOfAnotherFormatVersion_ExitsTwo()
    {
        string suite = CopyCancelled();
        string checkpoint = Path.Combine(TextTanh, "checkpoint.bin");
        AssertResumeRejected(suite, () =>
        {
            // As an older or newer version would have written it: intact, listed in SHA256SUMS, another version number.
            byte[] bytes = File.ReadAllBytes(checkpoint);
            BitConverter.GetBytes(9).CopyTo(bytes, 1 + SectionFile.Magic.Length + 1 + "checkpoint".Length);
            SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes, bytes.Length - 32);
            string sums = Path.Combine(TextTanh, FileChecksums.FileName);
            File.WriteAllText(sums, File.ReadAllText(sums).Replace(FileChecksums.Hash(checkpoint), Convert.ToHexStringLower(SHA256.HashData(bytes))));
            File.WriteAllBytes(checkpoint, bytes);
        }, [], checkpoint, "format version 9", "without --resume");
    }

    [Fact]
    public void Resume_TextChangedSinceTheCheckpoint_ExitsTwoWithoutWrapper()
    {
        string suite = CopyCancelled();
        string text = Path.Combine(_suites.Folder, "tiny.txt");
        AssertResumeRejected(suite, () => File.WriteAllText(text, File.ReadAllText(text).Replace('e', 'E')), [], "different text", "without --resume");
    }

    [Fact]
    public void Report_DataViewWithEightBytesOverwritten_ExitsTwoNamingItAndChangesNothing()
    {
        string suite = _suites.Write("tiny.json", TestSuites.Tiny);
        Assert.Equal(0, Worker(suite).ExitCode);
        string metrics = Path.Combine(Output, "tiny", "recall-relu", "data", "metrics.idv");
        Overwrite(metrics, new FileInfo(metrics).Length / 2, "XXXXXXXX"u8.ToArray());
        var before = Snapshot();
        AssertOneError(Worker(suite, "--report"), metrics, "damaged");
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void SecondWorkerOrReport_WhileAWorkerWritesTheFolder_ExitTwo_AndAKilledWorkersLockIsTakenOver()
    {
        string suite = _suites.Write("tiny.json", LongTiny);
        using (var first = Process.Start(WorkerProcess.StartInfo(_suites.Folder, "--suite", suite, "--output", Output, "--threads", "1", "--Worker:ProgressSeconds=0.1"))!)
        {
            try
            {
                while (first.StandardOutput.ReadLine() is { } line && !line.Contains("[text-tanh] step")) { }
                AssertOneError(Worker(suite), TextTanh, "in use by another RnnPipeline process");
                AssertOneError(Worker(suite, "--report"), "text-tanh: being written by another process");
                AssertOneError(Worker(suite, "--Suite:Defaults:Training:Steps=30"), "another process running a suite named 'tiny' with other runs or settings");
            }
            finally
            {
                first.Kill();    // SIGKILL: no chance to release anything
                first.WaitForExit();
            }
        }
        Assert.Contains($"process ", File.ReadAllText(Path.Combine(TextTanh, "run.lock")));

        var next = Worker(suite, "--Suite:Defaults:Training:Steps=24");
        Assert.True(next.ExitCode == 0, next.Stdout + next.Stderr);
        Assert.Contains("ended without releasing it", next.Stdout);
        Assert.Equal("", File.ReadAllText(Path.Combine(TextTanh, "run.lock")));
    }

    [Fact]
    public void KillNine_AtSeededRandomMoments_ResumeGivesTheDataViewsOfAnUninterruptedRun()
    {
        string suite = _suites.Write("tiny.json", TestSuites.Tiny.Replace("\"Steps\": 24", "\"Steps\": 120"));
        string[] common = ["--suite", suite, "--threads", "1", "--Worker:ProgressSeconds=0.1"];
        string straight = Path.Combine(_suites.Folder, "straight");
        var uninterrupted = WorkerProcess.Run(_suites.Folder, [.. common, "--output", straight]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Stdout + uninterrupted.Stderr);
        int lines = uninterrupted.Stdout.Split('\n').Length;

        // A checkpoint mid-run first (SIGTERM), then kill -9 after a seeded random number of output lines plus a few ms.
        string[] resume = [.. common, "--output", Output, "--resume"];
        Assert.Equal(130, WorkerProcess.RunAndTerminate(_suites.Folder, line => line.Contains("[text-relu] step"), resume).ExitCode);
        var random = new Random(16);
        for (int i = 0; i < 3; i++) KillAfter(random.Next(1, lines), random.Next(0, 60), resume);
        var resumed = WorkerProcess.Run(_suites.Folder, resume);
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);

        foreach (string run in Runs)
        {
            string expected = Path.Combine(straight, "tiny", run, "data"), actual = Path.Combine(Output, "tiny", run, "data");
            foreach (string csv in Directory.GetFiles(expected, "*.csv"))
                Assert.True(EndToEndTests.WithoutTimings(File.ReadAllText(csv)) == EndToEndTests.WithoutTimings(File.ReadAllText(Path.Combine(actual, Path.GetFileName(csv)))),
                    $"{run}/{Path.GetFileName(csv)} differs from the uninterrupted run");
            Assert.Empty(Directory.GetFiles(Path.Combine(Output, "tiny", run), "*.tmp", SearchOption.AllDirectories));
            Assert.Equal("", File.ReadAllText(Path.Combine(Output, "tiny", run, "run.lock")));
        }
    }

    /// <summary>Starts the worker and kills it with SIGKILL after <paramref name="lines"/> lines of output and <paramref name="delayMs"/> more.</summary>
    private void KillAfter(int lines, int delayMs, string[] args)
    {
        using var process = Process.Start(WorkerProcess.StartInfo(_suites.Folder, args))!;
        for (int i = 0; i < lines && process.StandardOutput.ReadLine() is not null; i++) { }
        Thread.Sleep(delayMs);
        if (!process.HasExited) process.Kill();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)));
    }
}
