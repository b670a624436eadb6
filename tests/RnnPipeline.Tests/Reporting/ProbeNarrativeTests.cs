using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Reporting;
using RnnPipeline.Statistics;

namespace RnnPipeline.Tests.Reporting;

public sealed class ProbeNarrativeTests
{
    /// <summary>Runs of one unit at lags 2, 16, 64 (chance 1/16, 300 dependents): seed s scores accuracy[lag] + 0.002·s (at most 1).</summary>
    private static IEnumerable<RunRecording> Unit(string name, Activation activation, RecurrentInit init, int seeds, params double[] accuracy)
    {
        int[] lags = [2, 16, 64];
        for (int seed = 1; seed <= seeds; seed++)
        {
            var spec = new RunSpec { Name = $"{name}-s{seed}", Model = { Activation = activation, Init = init }, Training = { Seed = seed } };
            var run = new RunRecording(RunInfo.For("suite", spec));
            for (int i = 0; i < lags.Length; i++)
                run.Record(new ProbeAccuracy(lags[i], seed, (int)Math.Round(300 * Math.Min(1, accuracy[i] + 0.002 * seed)), 300, 1.0 / 16));
            yield return run;
        }
    }

    private static IReadOnlyList<string> Compare(bool replicate, params IEnumerable<RunRecording>[] units)
    {
        var pooled = ProbeUnit.Pool(units.SelectMany(u => u));
        return ProbeNarrative.Compare(pooled, ProbeComparison.Compare(pooled, 0.05, replicate), new ProbeOptions { Replicate = replicate });
    }

    private static IEnumerable<RunRecording> Sigmoid(int seeds = 16) => Unit("sigmoid", Activation.Sigmoid, RecurrentInit.Orthogonal, seeds, 0.95, 0.03, 0.03);
    private static IEnumerable<RunRecording> Tanh(int seeds = 16) => Unit("tanh", Activation.Tanh, RecurrentInit.Orthogonal, seeds, 0.95, 0.5, 0.03);
    private static IEnumerable<RunRecording> Irnn(int seeds = 16) => Unit("irnn", Activation.Relu, RecurrentInit.Identity, seeds, 0.95, 0.92, 0.3);

    [Fact]
    public void Compare_StatesTheProcedureReachAndReplicatedFindings()
    {
        var lines = Compare(true, Sigmoid(), Tanh(), Irnn());
        Assert.StartsWith("Each unit's 16 seeds are split in seed order into an exploratory and a confirmatory half.", lines[0]);
        Assert.Contains("Benjamini–Hochberg at a false-discovery rate of 0.05", lines[0]);
        Assert.Contains("sigmoid (16 seeds): solves lags up to 2; not shown above chance from lag 16 (median 0.05, 95% [0.04, 0.06]).", lines);
        Assert.Contains("tanh (16 seeds): solves lags up to 2; not shown above chance from lag 64 (median 0.05, 95% [0.04, 0.06]).", lines);
        Assert.Contains("irnn (16 seeds): solves lags up to 16; above chance at every lag (lag 64: median 0.32, 95% [0.31, 0.33]).", lines);
        Assert.Contains("Lag 16: solved by irnn while sigmoid is not shown above chance.", lines);
        Assert.Contains(lines, l => l.StartsWith("Finding (replicated): tanh above sigmoid at lag 16 (shift +0.47 [", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Finding (replicated): irnn above sigmoid at lags 16, 64 (shifts +0.27 to +0.89, confirmatory p ≤ ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Finding (replicated): irnn above tanh at lags 16, 64 (", StringComparison.Ordinal));
        Assert.Contains("The findings agree with it (tanh > sigmoid at lag 16; irnn > sigmoid at lags 16, 64; irnn > tanh at lags 16, 64).", lines[^1]);
    }

    [Fact]
    public void Compare_SaysWhatTheSeedsDoNotDecide()
    {
        var lines = Compare(true, Tanh(), Unit("relu", Activation.Relu, RecurrentInit.Orthogonal, 16, 0.95, 0.5, 0.03));
        Assert.Contains(lines, l => l.StartsWith("Not decided by these seeds at any lag: tanh vs relu (largest shift", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("Finding", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_ReportsAContradictionOfTheLiterature()
    {
        var lines = Compare(true, Unit("sigmoid", Activation.Sigmoid, RecurrentInit.Orthogonal, 16, 0.95, 0.92, 0.3), Tanh());
        Assert.Contains(lines, l => l.StartsWith("Finding (replicated): sigmoid above tanh at lags 16, 64", StringComparison.Ordinal));
        Assert.Contains("contradict it (sigmoid > tanh at lags 16, 64)", lines[^1]);
    }

    [Fact]
    public void Compare_WithThreeSeeds_MakesNoLabelAndConfirmsNothing()
    {
        var lines = Compare(true, Sigmoid(3), Irnn(3));
        Assert.StartsWith("With 3 seed(s) per unit and no confirmatory half", lines[0]);
        Assert.Contains("sigmoid (3 seeds): too few seeds for a 95% interval of the median (6 or more needed).", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Finding", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Not decided by these seeds at any lag: sigmoid vs irnn", StringComparison.Ordinal));
    }
}
