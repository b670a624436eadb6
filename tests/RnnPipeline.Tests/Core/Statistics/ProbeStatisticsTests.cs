using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Statistics;

namespace RnnPipeline.Tests.Core.Statistics;

public sealed class ProbeStatisticsTests
{
    /// <summary>One unit at lag 8 with each seed scoring <paramref name="correct"/> of 100 (chance 1/16).</summary>
    private static PooledAccuracy At(params int[] correct) =>
        PooledAccuracy.From(correct.Select((c, seed) => new ProbeAccuracy(8, seed, c, 100, 1.0 / 16)).ToArray());

    [Fact]
    public void Pooled_SumsCountsAndTakesMeanAndMedianOfSeeds()
    {
        var p = At(90, 80, 70, 10);
        Assert.Equal((250, 400, 4), (p.Correct, p.Samples, p.Seeds));
        Assert.Equal(0.625, p.Mean, 12);
        Assert.Equal(0.75, p.Median, 12);
        Assert.Equal(ProportionInterval.Wilson(250, 400), p.Interval);
    }

    [Fact]
    public void Status_JudgesTheSeedMedian_NotThePooledCounts()
    {
        Assert.Equal(LagStatus.Solved, At(95, 92, 90, 99, 91, 93, 90, 97).Status(0.9));        // lowest of 8 ≥ 0.9
        Assert.Equal(LagStatus.AboveChance, At(95, 92, 89, 99, 91, 93, 90, 97).Status(0.9));   // one seed at 0.89
        Assert.Equal(LagStatus.AtChance, At(6, 7, 6, 30, 5, 9, 8, 7).Status(0.9));             // lowest 0.05 ≤ 1/16
        // One seed cannot carry a unit: pooled 70/800 = 0.0875 has a Wilson interval above chance, the seeds do not.
        var carried = At(7, 19, 6, 7, 6, 6, 7, 12);
        Assert.True(carried.Interval.Low > carried.Chance);
        Assert.Equal(LagStatus.AtChance, carried.Status(0.9));
        Assert.Equal(LagStatus.TooFewSeeds, At(95, 95, 95).Status(0.9));
    }

    [Fact]
    public void Pool_GroupsRunsThatDifferOnlyInSeed_AndNamesTheUnitWithoutTheSeed()
    {
        RunRecording Run(string name, Activation activation, int seed, int correct)
        {
            var spec = new RunSpec { Name = name, Model = { Activation = activation }, Training = { Seed = seed } };
            var run = new RunRecording(RunInfo.For("suite", spec));
            run.Record(new ProbeAccuracy(8, seed, correct, 100, 0.25));
            run.Record(new ProbeAccuracy(2, seed, 100, 100, 0.25));
            return run;
        }
        var units = ProbeUnit.Pool([Run("recall-tanh-s2", Activation.Tanh, 2, 40), Run("recall-tanh-s1", Activation.Tanh, 1, 60), Run("recall-sigmoid", Activation.Sigmoid, 1, 25)]);
        Assert.Equal(["recall-tanh", "recall-sigmoid"], units.Select(u => u.Name));
        Assert.Equal([1, 2], units[0].Runs.Select(r => r.Info.Seed));
        Assert.Equal([2, 8], units[0].Lags.Select(l => l.Lag));
        Assert.Equal([0.6, 0.4], units[0].At(8)!.SeedAccuracies);
        Assert.Equal(0, units[0].MaxSolvedLag(0.9));                   // 2 seeds: too few for an interval of the median
        Assert.Null(units[1].FirstLagAtChance(0.9));
        Assert.Equal(("tanh", "sigmoid"), (units[0].Family, units[1].Family));
    }

    [Fact]
    public void RunSummary_MaxSolvedLag_NeedsTheThresholdAndAnIntervalAboveChance()
    {
        var run = new RunRecording(RunInfo.For("suite", new RunSpec()));
        run.Record(new ProbeAccuracy(2, 1, 19, 20, 0.5));      // 0.95, Wilson [0.76, 0.99]: solved
        run.Record(new ProbeAccuracy(8, 1, 3, 3, 0.5));        // 1.00 but Wilson [0.44, 1]: could be chance
        run.Record(new ProbeAccuracy(16, 1, 10, 20, 0.5));
        Assert.Equal(2, RunSummary.From(run, 0.9).MaxSolvedLag);
    }

    [Fact]
    public void Pool_RunsWithDifferentChanceLevels_StayApart()
    {
        RunRecording Run(int seed, double chance)
        {
            var run = new RunRecording(RunInfo.For("suite", new RunSpec { Name = $"recall-s{seed}", Training = { Seed = seed } }));
            run.Record(new ProbeAccuracy(4, seed, 50, 100, chance));
            return run;
        }
        var units = ProbeUnit.Pool([Run(1, 0.25), Run(2, 0.25), Run(3, 0.125)]);
        Assert.Equal([(2, 0.25), (1, 0.125)], units.Select(u => (u.Seeds, u.Lags[0].Chance)));
    }
}
