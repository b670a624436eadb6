using System.Globalization;

namespace RnnPipeline.Tests.Worker;

/// <summary>The worker trains runs of one shape together, and the results are those of training each run alone, bit for bit.</summary>
public sealed class BatchedSuiteTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    private const string Seeds = """
        {
          "Name": "seeds",
          "Defaults": {
            "Model": { "HiddenSize": 8 },
            "Training": { "Steps": 24, "BatchSize": 4, "WindowLength": 12, "EvalEvery": 8, "EvalWindows": 4 },
            "Diagnostics": { "Every": 8, "ProbeSequences": 2 }
          },
          "Runs": [
            { "Name": "text", "Corpus": { "Kind": "TextFile", "Path": "tiny.txt", "ValidationFraction": 0.2 }, "Grid": { "Seeds": [1, 2, 3] } },
            { "Name": "relu", "Corpus": { "Kind": "TextFile", "Path": "tiny.txt", "ValidationFraction": 0.2 }, "Model": { "Activation": "Relu" } }
          ]
        }
        """;

    [Fact]
    public void SameShapeRuns_TrainAsOneBatch_AndMatchRunsTrainedAlone()
    {
        string suite = _suites.Write("seeds.json", Seeds);
        string together = Path.Combine(_suites.Folder, "together"), alone = Path.Combine(_suites.Folder, "alone");
        var batched = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", together, "--Worker:ProgressSeconds=0.1");
        var single = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", alone, "--Worker:BatchRuns=false");
        var parallel = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", Path.Combine(_suites.Folder, "parallel"), "--parallel", "2", "--Worker:ProgressSeconds=0.1");
        Assert.True(batched.ExitCode == 0, batched.Stdout + batched.Stderr);
        Assert.True(single.ExitCode == 0, single.Stdout + single.Stderr);

        Assert.Contains("Batch of 3 runs (Tanh H=8 one-hot", batched.Stdout);
        Assert.Contains("text-s1, text-s2, text-s3", batched.Stdout);
        Assert.Matches(@"Throughput: [1-3] run\(s\) training, \d+ chars/s in total", batched.Stdout);
        Assert.Contains("chars/s over all runs", batched.Stdout);
        Assert.DoesNotContain("Batch of", single.Stdout);
        Assert.True(parallel.ExitCode == 0, parallel.Stdout + parallel.Stderr);
        Assert.Contains("Batch of 2 runs (Tanh H=8 one-hot", parallel.Stdout);    // 3 seeds over 2 workers: a stack of 2 and a run alone
        Assert.Matches(@"Throughput: [1-3] run\(s\) training, \d+ chars/s in total", parallel.Stdout);
        Assert.Contains("[relu] start", batched.Stdout);                       // another shape: trained alone

        string[] runs = ["text-s1", "text-s2", "text-s3", "relu"];
        foreach (string run in runs)
        {
            var expected = Losses(Path.Combine(alone, "seeds", run, "data", "metrics.csv"));
            Assert.Equal(24, expected.Length);
            Assert.Equal(expected, Losses(Path.Combine(together, "seeds", run, "data", "metrics.csv")));
            Assert.Equal(expected, Losses(Path.Combine(_suites.Folder, "parallel", "seeds", run, "data", "metrics.csv")));
        }
    }

    private const string Cadences = """
        {
          "Name": "cadences",
          "Defaults": {
            "Model": { "HiddenSize": 8 },
            "Training": { "Steps": 24, "BatchSize": 4, "WindowLength": 12, "EvalEvery": 8, "EvalWindows": 4 },
            "Probe": { "SamplesPerLag": 20 }
          },
          "Runs": [
            { "Name": "every8", "Corpus": { "Kind": "DelayedRecall", "Lags": [2, 4], "GeneratedLength": 3000 }, "Probe": { "Every": 8 } },
            { "Name": "every12", "Corpus": { "Kind": "DelayedRecall", "Lags": [2, 4], "GeneratedLength": 3000 }, "Probe": { "Every": 12 }, "Training": { "CheckpointEvery": 10 } }
          ]
        }
        """;

    [Fact]
    public void RunsOfOneBatch_WithTheirOwnProbeAndCheckpointCadence_ScoreAtTheirOwnSteps_AndMatchRunsTrainedAlone()
    {
        string suite = _suites.Write("cadences.json", Cadences);
        string together = Path.Combine(_suites.Folder, "together"), alone = Path.Combine(_suites.Folder, "alone");
        var batched = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", together);
        var single = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", alone, "--Worker:BatchRuns=false");
        Assert.True(batched.ExitCode == 0, batched.Stdout + batched.Stderr);
        Assert.True(single.ExitCode == 0, single.Stdout + single.Stderr);
        Assert.Contains("Batch of 2 runs", batched.Stdout);

        Assert.Equal([8, 16, 24], ProbeSteps(Path.Combine(together, "cadences", "every8", "data", "probes.csv")));
        Assert.Equal([12, 24], ProbeSteps(Path.Combine(together, "cadences", "every12", "data", "probes.csv")));
        foreach (string run in (string[])["every8", "every12"])
            foreach (string table in (string[])["probes.csv", "evaluations.csv"])
                Assert.Equal(File.ReadAllLines(Path.Combine(alone, "cadences", run, "data", table)), File.ReadAllLines(Path.Combine(together, "cadences", run, "data", table)));
        Assert.Equal(Losses(Path.Combine(alone, "cadences", "every12", "data", "metrics.csv")), Losses(Path.Combine(together, "cadences", "every12", "data", "metrics.csv")));
    }

    private static int[] ProbeSteps(string csv)
    {
        var lines = File.ReadAllLines(csv);
        int column = Array.IndexOf(lines[0].Split(','), "Step");
        return [.. lines.Skip(1).Select(l => int.Parse(l.Split(',')[column], CultureInfo.InvariantCulture)).Distinct().Order()];
    }

    private static double[] Losses(string csv)
    {
        var lines = File.ReadAllLines(csv);
        int column = Array.IndexOf(lines[0].Split(','), "Loss");
        return [.. lines.Skip(1).Select(l => double.Parse(l.Split(',')[column], CultureInfo.InvariantCulture))];
    }
}
