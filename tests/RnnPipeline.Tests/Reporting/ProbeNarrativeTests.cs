using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Reporting;
using RnnPipeline.Statistics;

namespace RnnPipeline.Tests.Reporting;

public sealed class ProbeNarrativeTests
{
    private static readonly SeparationRule Rule = new(0.15, 3);

    /// <summary>Runs of one unit: correct[lag][seed] of 300 dependents at lags 2, 16, 64, chance 1/16.</summary>
    private static IEnumerable<RunRecording> Unit(string name, Activation activation, RecurrentInit init, params int[][] correct)
    {
        int[] lags = [2, 16, 64];
        for (int seed = 0; seed < correct[0].Length; seed++)
        {
            var spec = new RunSpec { Name = $"{name}-s{seed + 1}", Model = { Activation = activation, Init = init }, Training = { Seed = seed + 1 } };
            var run = new RunRecording(RunInfo.For("suite", spec));
            for (int i = 0; i < lags.Length; i++) run.OnProbe(new ProbeAccuracy(lags[i], seed + 1, correct[i][seed], 300, 1.0 / 16));
            yield return run;
        }
    }

    private static IReadOnlyList<string> Compare(params IEnumerable<RunRecording>[] units) =>
        ProbeNarrative.Compare(ProbeUnit.Pool(units.SelectMany(u => u)), Rule, 0.9);

    private static IEnumerable<RunRecording> Sigmoid(int seeds = 3) => Unit("sigmoid", Activation.Sigmoid, RecurrentInit.Orthogonal,
        [.. new[] { 290, 291, 289 }.Take(seeds)], [.. new[] { 19, 20, 18 }.Take(seeds)], [.. new[] { 18, 19, 20 }.Take(seeds)]);

    private static IEnumerable<RunRecording> Tanh() => Unit("tanh", Activation.Tanh, RecurrentInit.Orthogonal, [295, 296, 297], [150, 160, 140], [20, 19, 21]);

    private static IEnumerable<RunRecording> Irnn() => Unit("irnn", Activation.Relu, RecurrentInit.Identity, [299, 298, 300], [285, 290, 280], [90, 100, 80]);

    [Fact]
    public void Compare_StatesTheRuleReachAndSeparationsFromTheCounts()
    {
        var lines = Compare(Sigmoid(), Tanh(), Irnn());
        Assert.StartsWith("Rule: A beats B at lag k when both have ≥ 3 seeds there, every seed of A is above every seed of B, and A's mean accuracy is at least 0.15 higher.", lines[0]);
        Assert.Contains("sigmoid (3 seeds): solves lags up to 2; first at chance at lag 16 (mean 0.06, 95% [0.05, 0.08]).", lines);
        Assert.Contains("tanh (3 seeds): solves lags up to 2; first at chance at lag 64 (mean 0.07, 95% [0.05, 0.08]).", lines);
        Assert.Contains("irnn (3 seeds): solves lags up to 16; above chance at every lag tested (lag 64: mean 0.30, 95% [0.27, 0.33]).", lines);
        Assert.Contains("Lag 16: solved by irnn while sigmoid is at chance.", lines);
        Assert.Contains("Separated by the rule: tanh beats sigmoid at lag 16 (not separated at lags 2, 64).", lines);
        Assert.Contains("Separated by the rule: irnn beats sigmoid at lags 16, 64 (not separated at lag 2).", lines);
        Assert.Contains("Separated by the rule: irnn beats tanh at lags 16, 64 (not separated at lag 2).", lines);
        Assert.Contains("By the rule the measurement agrees for tanh over sigmoid (lag 16), irnn over sigmoid (lags 16, 64), irnn over tanh (lags 16, 64). " +
                        "First to fall to chance: sigmoid (sigmoid) at lag 16, as expected.", lines[^1]);
        Assert.DoesNotContain(lines, l => l.StartsWith("Not separated", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_NamesPairsThatDoNotSeparate_WithTheirLargestGap()
    {
        var lines = Compare(Tanh(), Unit("relu", Activation.Relu, RecurrentInit.Orthogonal, [296, 295, 297], [170, 120, 150], [21, 20, 19]));
        Assert.Contains("Not separated at any lag: tanh vs relu (largest mean gap 0.01 at lag 16).", lines);
        Assert.Contains("cannot tell (not separated) for relu over tanh", lines[^1]);
    }

    [Fact]
    public void Compare_ReportsAContradictionOfTheLiterature()
    {
        var lines = Compare(Unit("sigmoid", Activation.Sigmoid, RecurrentInit.Orthogonal, [295, 296, 297], [285, 290, 280], [90, 100, 80]), Tanh());
        Assert.Contains("Separated by the rule: sigmoid beats tanh at lags 16, 64 (not separated at lag 2).", lines);
        Assert.Contains("contradicts it where sigmoid beats tanh (lags 16, 64)", lines[^1]);
        Assert.Contains("First to fall to chance: tanh (tanh) at lag 64; sigmoid never does.", lines[^1]);
    }

    [Fact]
    public void Compare_WithTwoSeeds_SaysTheRuleCannotDecide()
    {
        var lines = Compare(Sigmoid(seeds: 2), Irnn());
        Assert.Contains("Not compared by the rule, fewer than 3 seeds: sigmoid (2).", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Separated", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("The literature", StringComparison.Ordinal));
    }
}
