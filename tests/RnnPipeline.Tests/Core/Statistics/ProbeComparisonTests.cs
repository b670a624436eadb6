using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Statistics;

namespace RnnPipeline.Tests.Core.Statistics;

public sealed class ProbeComparisonTests
{
    /// <summary>A unit whose seed s scores accuracies[s] (of 300 dependents) at lag 8 and accuracies[s] − 0.5 at lag 64 (at least 0).</summary>
    internal static ProbeUnit Unit(string name, Activation activation, params double[] accuracies)
    {
        var runs = accuracies.Select((a, s) =>
        {
            var run = new RunRecording(RunInfo.For("suite", new RunSpec { Name = $"{name}-s{s + 1}", Model = { Activation = activation }, Training = { Seed = s + 1 } }));
            run.Record(new ProbeAccuracy(8, s + 1, (int)Math.Round(300 * a), 300, 1.0 / 16));
            run.Record(new ProbeAccuracy(64, s + 1, (int)Math.Round(300 * Math.Max(0, a - 0.5)), 300, 1.0 / 16));
            return run;
        });
        return ProbeUnit.Pool(runs).Single();
    }

    private static double[] Spread(double centre, int seeds, double step = 0.01) => Enumerable.Range(0, seeds).Select(i => centre + step * (i - seeds / 2)).ToArray();

    [Fact]
    public void Compare_ASeparationOnBothHalves_IsReplicated()
    {
        var high = Unit("relu", Activation.Relu, Spread(0.9, 16));
        var low = Unit("tanh", Activation.Tanh, Spread(0.3, 16));
        var at8 = ProbeComparison.Compare([low, high], 0.05, replicate: true).Single(c => c.Lag == 8);
        Assert.Equal((Verdict.Replicated, -1), (at8.Verdict, at8.Direction));
        Assert.Same(high, at8.Winner);
        Assert.Equal(1.0 / 12870, at8.Exploratory.Less * 1, 12);          // 8 v 8 completely separated
        Assert.Equal(-0.6, at8.Shift.Estimate, 9);
        Assert.Equal(0.0, at8.Superiority);
    }

    [Fact]
    public void Compare_ASeparationTheConfirmatoryHalfReverses_IsNotReplicated()
    {
        double[] a = [.. Spread(0.9, 8), .. Spread(0.3, 8)], b = [.. Spread(0.3, 8), .. Spread(0.9, 8)];
        var c = ProbeComparison.Compare([Unit("a", Activation.Tanh, a), Unit("b", Activation.Sigmoid, b)], 0.05, replicate: true).Single(c => c.Lag == 8);
        Assert.Equal((Verdict.NotReplicated, 1), (c.Verdict, c.Direction));
        Assert.Equal(1.0, c.Confirmatory!.Greater, 12);
    }

    [Fact]
    public void Compare_UnitsFromOneDistribution_AreNotSeparated()
    {
        var random = new Random(3);
        double[] Draw() => Enumerable.Range(0, 16).Select(_ => 0.5 + 0.2 * random.NextDouble()).ToArray();
        var all = ProbeComparison.Compare([Unit("a", Activation.Tanh, Draw()), Unit("b", Activation.Sigmoid, Draw()), Unit("c", Activation.Relu, Draw())], 0.05, true);
        Assert.Equal(6, all.Count);                                         // 3 pairs × 2 lags
        Assert.All(all, c => Assert.Equal(Verdict.NotSeparated, c.Verdict));
    }

    [Fact]
    public void Compare_WithoutReplication_UsesEverySeedWithHolm_AndCallsSeparationsUnconfirmed()
    {
        var c = ProbeComparison.Compare([Unit("a", Activation.Tanh, Spread(0.9, 8)), Unit("b", Activation.Sigmoid, Spread(0.3, 8))], 0.05, replicate: false);
        Assert.All(c, x => Assert.Equal(Verdict.Unconfirmed, x.Verdict));
        Assert.Equal(Math.Min(1, 2 * 2.0 / 12870), c[0].ExploratoryAdjusted, 12);   // Holm over 2 tests of p = 2/12870
        Assert.Null(c[0].Confirmatory);
    }

    [Fact]
    public void ReplicationPower_IsHighForAClearEffect_AndLowForNone()
    {
        var high = Unit("relu", Activation.Relu, Spread(0.9, 16));
        var low = Unit("tanh", Activation.Tanh, Spread(0.3, 16));
        var verdicts = ProbeComparison.Compare([low, high], 0.05, true).Where(c => c.Verdict == Verdict.Replicated).ToArray();
        Assert.Equal(2, verdicts.Length);
        Assert.All(ReplicationPower.Estimate([low, high], verdicts, 16, 0.05, resamples: 50), p => Assert.Equal(1.0, p));
        // Overlapping units (means 0.03 apart, spread 0.15): few resamples replicate.
        var near = Unit("sigmoid", Activation.Sigmoid, Spread(0.33, 16, step: 0.01));
        var fake = verdicts.Select(v => v with { First = near, Second = low, Direction = 1 }).ToArray();
        Assert.All(ReplicationPower.Estimate([low, near], fake, 6, 0.05, resamples: 50), p => Assert.True(p < 0.5, $"power {p}"));
    }
}
