using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RnnPipeline.Tests.Worker;

/// <summary>Training.CheckpointEvery: a process killed without warning (SIGKILL) continues from its last periodic checkpoint.</summary>
public sealed partial class PeriodicCheckpointTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    private const string Suite = """
        {
          "Name": "periodic",
          "Defaults": {
            "Model": { "HiddenSize": 8 },
            "Training": { "Steps": 1200, "BatchSize": 4, "WindowLength": 12, "EvalEvery": 100, "EvalWindows": 4, "CheckpointEvery": 50 },
            "Diagnostics": { "Every": 100, "ProbeSequences": 2, "AnalysisLength": 24, "BurnIn": 4 }
          },
          "Runs": [ { "Name": "text", "Corpus": { "Kind": "TextFile", "Path": "tiny.txt", "ValidationFraction": 0.2 } } ]
        }
        """;

    [Fact]
    public void KilledWithoutWarning_ResumesFromTheLastPeriodicCheckpoint_AndEndsAsAnUninterruptedRun()
    {
        string suite = _suites.Write("periodic.json", Suite);
        string[] common = ["--suite", suite, "--threads", "1", "--Worker:ProgressSeconds=0.1"];
        string straight = Path.Combine(_suites.Folder, "straight");
        var uninterrupted = WorkerProcess.Run(_suites.Folder, [.. common, "--output", straight]);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Stdout + uninterrupted.Stderr);

        string[] resume = [.. common, "--output", _suites.Output, "--resume"];
        using (var process = Process.Start(WorkerProcess.StartInfo(_suites.Folder, resume))!)
        {
            while (process.StandardOutput.ReadLine() is { } line)
                if (StepLine().Match(line) is { Success: true } m && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= 200) break;
            process.Kill();                                                       // SIGKILL: no chance to checkpoint
            process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)));
        }
        string run = Path.Combine(_suites.Output, "periodic", "text");
        Assert.Contains("Cancelled", File.ReadAllText(Path.Combine(run, "run.json")));

        var resumed = WorkerProcess.Run(_suites.Folder, resume);
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        int from = int.Parse(Regex.Match(resumed.Stdout, @"\[text\] resuming at step (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(from % 50 == 0 && from >= 150, $"resumed at step {from}");
        foreach (string csv in Directory.GetFiles(Path.Combine(straight, "periodic", "text", "data"), "*.csv"))
            Assert.True(EndToEndTests.WithoutTimings(File.ReadAllText(csv)) == EndToEndTests.WithoutTimings(File.ReadAllText(Path.Combine(run, "data", Path.GetFileName(csv)))),
                $"{Path.GetFileName(csv)} differs from the uninterrupted run");
    }

    [GeneratedRegex(@"\[text\] step (\d+)/1200")]
    private static partial Regex StepLine();
}
