using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Statistics;

namespace RnnPipeline.Tests.Core.Statistics;

public sealed class ProbeStatisticsTests
{
    private static readonly SeparationRule Rule = new(MinimumGap: 0.15, MinimumSeeds: 3);

    /// <summary>One unit at lag 8 with each seed scoring <paramref name="correct"/> of 100 (chance 1/16).</summary>
    private static PooledAccuracy At(params int[] correct) =>
        PooledAccuracy.From(correct.Select((c, seed) => new ProbeAccuracy(8, seed, c, 100, 1.0 / 16)).ToArray());

    [Fact]
    public void Pooled_SumsCountsAndAveragesSeeds()
    {
        var p = At(90, 80, 70);
        Assert.Equal((240, 300, 3), (p.Correct, p.Samples, p.Seeds));
        Assert.Equal(0.8, p.Mean, 12);
        Assert.Equal(ProportionInterval.Wilson(240, 300), p.Interval);
    }

    [Fact]
    public void Beats_EverySeedAboveAndGapAtLeastMinimum()
    {
        Assert.True(Rule.Beats(At(80, 75, 70), At(60, 55, 50)));        // gap 0.20, complete separation
        Assert.Equal(Separation.FirstBeatsSecond, Rule.Compare(At(80, 75, 70), At(60, 55, 50)));
        Assert.Equal(Separation.SecondBeatsFirst, Rule.Compare(At(60, 55, 50), At(80, 75, 70)));
    }

    [Fact]
    public void Beats_GapOfExactlyTheMinimumCounts_JustBelowDoesNot()
    {
        Assert.True(Rule.Beats(At(75, 70, 65), At(60, 55, 50)));         // gap 0.15
        Assert.False(Rule.Beats(At(75, 70, 64), At(60, 55, 50)));        // gap 0.1467, still completely separated
        Assert.Equal(Separation.None, Rule.Compare(At(75, 70, 64), At(60, 55, 50)));
    }

    [Fact]
    public void Beats_ATieBetweenSeedsIsNotSeparation()
    {
        Assert.False(Rule.Beats(At(90, 90, 60), At(60, 20, 10)));        // best of B equals worst of A; gap 0.50
        Assert.False(Rule.Beats(At(90, 90, 59), At(60, 20, 10)));        // overlap
        Assert.True(Rule.Beats(At(90, 90, 61), At(60, 20, 10)));
    }

    [Fact]
    public void Compare_TwoSeedsAgainstThree_IsTooFewForTheRule()
    {
        Assert.Equal(Separation.TooFewSeeds, Rule.Compare(At(90, 90), At(10, 10, 10)));
        Assert.False(Rule.Beats(At(90, 90), At(10, 10, 10)));
        Assert.True(new SeparationRule(0.15, 2).Beats(At(90, 90), At(10, 10, 10)));
    }

    [Fact]
    public void SolvedAndAtChance_FollowThePooledInterval()
    {
        Assert.True(At(95, 92, 90).IsSolved(0.9));                      // mean 0.923, interval far above 1/16
        Assert.False(At(95, 92, 80).IsSolved(0.9));                     // mean 0.89
        Assert.True(At(6, 7, 6).IsAtChance);                            // 19/300 = 0.063: lower bound 0.041 ≤ 0.0625
        Assert.True(At(2, 3, 1).IsAtChance);                            // below chance counts as at chance
        Assert.False(At(12, 12, 12).IsAtChance);                        // 36/300: lower bound 0.088 > 0.0625
        Assert.False(At(12, 12, 12).IsSolved(0.9));
    }

    [Fact]
    public void Pool_GroupsRunsThatDifferOnlyInSeed_AndNamesTheUnitWithoutTheSeed()
    {
        RunRecording Run(string name, Activation activation, int seed, int correct)
        {
            var spec = new RunSpec { Name = name, Model = { Activation = activation }, Training = { Seed = seed } };
            var run = new RunRecording(RunInfo.For("suite", spec));
            run.OnProbe(new ProbeAccuracy(8, seed, correct, 100, 0.25));
            run.OnProbe(new ProbeAccuracy(2, seed, 100, 100, 0.25));
            return run;
        }
        var units = ProbeUnit.Pool([Run("recall-tanh-s2", Activation.Tanh, 2, 40), Run("recall-tanh-s1", Activation.Tanh, 1, 60), Run("recall-sigmoid", Activation.Sigmoid, 1, 25)]);
        Assert.Equal(["recall-tanh", "recall-sigmoid"], units.Select(u => u.Name));
        Assert.Equal([1, 2], units[0].Runs.Select(r => r.Info.Seed));
        Assert.Equal([2, 8], units[0].Lags.Select(l => l.Lag));
        Assert.Equal([0.6, 0.4], units[0].At(8)!.SeedAccuracies);
        Assert.Equal(2, units[0].MaxSolvedLag(0.9));
        Assert.Null(units[0].FirstLagAtChance);
        Assert.Equal(8, units[1].FirstLagAtChance);
        Assert.Equal(("tanh", "sigmoid"), (units[0].Family, units[1].Family));
    }

    [Fact]
    public void RunSummary_MaxSolvedLag_NeedsTheThresholdAndAnIntervalAboveChance()
    {
        var run = new RunRecording(RunInfo.For("suite", new RunSpec()));
        run.OnProbe(new ProbeAccuracy(2, 1, 19, 20, 0.5));      // 0.95, Wilson [0.76, 0.99]: solved
        run.OnProbe(new ProbeAccuracy(8, 1, 3, 3, 0.5));        // 1.00 but Wilson [0.44, 1]: could be chance
        run.OnProbe(new ProbeAccuracy(16, 1, 10, 20, 0.5));
        Assert.Equal(2, RunSummary.From(run, 0.9).MaxSolvedLag);
    }

    [Fact]
    public void Pool_RunsWithDifferentChanceLevels_StayApart()
    {
        RunRecording Run(int seed, double chance)
        {
            var run = new RunRecording(RunInfo.For("suite", new RunSpec { Name = $"recall-s{seed}", Training = { Seed = seed } }));
            run.OnProbe(new ProbeAccuracy(4, seed, 50, 100, chance));
            return run;
        }
        var units = ProbeUnit.Pool([Run(1, 0.25), Run(2, 0.25), Run(3, 0.125)]);
        Assert.Equal([(2, 0.25), (1, 0.125)], units.Select(u => (u.Seeds, u.Lags[0].Chance)));
    }
}
