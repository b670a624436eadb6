using RnnPipeline.Diagnostics;
using RnnPipeline.Options;

namespace RnnPipeline.Tests.Worker;

public sealed class ProbeOverTrainingTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    private static string[] Probes(string output) =>
        File.ReadLines(Path.Combine(output, "tiny", "recall-tanh", "data", "probes.csv")).Skip(1).ToArray();

    [Fact]
    public void ProbeEvery_ScoresDuringTraining_WithoutChangingTraining_AndPlotsIt()
    {
        string suite = _suites.Write("tiny.json", TestSuites.Tiny);
        var plain = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", Path.Combine(_suites.Folder, "plain"), "--Worker:BatchRuns=false");
        var every = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", _suites.Output, "--Worker:BatchRuns=false", "--Suite:Defaults:Probe:Every=8");
        Assert.True(plain.ExitCode == 0 && every.ExitCode == 0, plain.Stdout + plain.Stderr + every.Stdout + every.Stderr);

        string header = File.ReadLines(Path.Combine(_suites.Output, "tiny", "recall-tanh", "data", "probes.csv")).First();
        int step = Array.IndexOf(header.Split(','), "Step"), accuracy = Array.IndexOf(header.Split(','), "Accuracy");
        var rows = Probes(_suites.Output).Select(l => l.Split(',')).ToArray();
        Assert.Equal([8, 16, 24], rows.Select(r => int.Parse(r[step])).Distinct().Order());            // lags 2 and 4 at each
        Assert.Equal(6, rows.Length);
        // Scoring reads the weights and changes nothing: the final scores equal those of the run scored once.
        Assert.Equal(Probes(Path.Combine(_suites.Folder, "plain")).Select(l => l.Split(',')[accuracy]),
                     rows.Where(r => r[step] == "24").Select(r => r[accuracy]));
        Assert.Equal(File.ReadAllText(Path.Combine(_suites.Folder, "plain", "tiny", "recall-tanh", "data", "metrics.csv")).Split('\n').Select(l => string.Join(',', l.Split(',').Take(4))),
                     File.ReadAllText(Path.Combine(_suites.Output, "tiny", "recall-tanh", "data", "metrics.csv")).Split('\n').Select(l => string.Join(',', l.Split(',').Take(4))));
        Assert.True(File.Exists(Path.Combine(_suites.Output, "tiny", "plots", "delayedrecall-9-probe-over-training-recall-tanh.png")));
        Assert.Contains("When is each lag learned?", File.ReadAllText(Path.Combine(_suites.Output, "tiny", "report.html")));
    }

    [Fact]
    public void TruncateAfter_KeepsTheProbesScoredUpToTheCheckpoint_AndFinalProbesAreTheLastScoring()
    {
        var run = new RunRecording(RunInfo.For("suite", new RunSpec()));
        foreach (int s in new[] { 100, 200, 400 }) run.Record(new ProbeAccuracy(2, 1, s / 10, 100, 0.25, s));
        Assert.Equal([400], run.FinalProbes.Select(p => p.Step));
        run.TruncateAfter(199);                                                   // resumed at step 200: scored after 200 steps is kept
        Assert.Equal([100, 200], run.Probes.Select(p => p.Step));
    }
}
