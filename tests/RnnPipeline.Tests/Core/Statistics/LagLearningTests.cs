using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Statistics;

namespace RnnPipeline.Tests.Core.Statistics;

/// <summary>Spearman's ρ, units as their settings, and the one-lag experiment's per-seed and per-lag statistics.</summary>
public sealed class LagLearningTests
{
    [Fact]
    public void Spearman_WithTiesAndInfinity_EqualsPearsonOfMidRanksComputedByHand()
    {
        // y ranks 1, 2, 3.5, 5, 3.5 against 1..5: Σ dx·dy = 8, Σ dx² = 10, Σ dy² = 9.5.
        Assert.Equal(8 / Math.Sqrt(95), RankCorrelation.Spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 12);
        // +∞ ranks last, tied with other +∞: ranks 1, 2.5, 2.5 against 1, 2, 3.
        Assert.Equal(1.5 / Math.Sqrt(3), RankCorrelation.Spearman([1, 2, 3], [10, double.PositiveInfinity, double.PositiveInfinity]), 12);
        Assert.Equal(-1, RankCorrelation.Spearman([3, 2, 1, 0], [1, 2, 3, double.PositiveInfinity]), 12);
        Assert.True(double.IsNaN(RankCorrelation.Spearman([1, 1, 1], [1, 2, 3])));
        Assert.True(double.IsNaN(RankCorrelation.Spearman([1, 2], [1, 2])));
    }

    private static RunSpec Spec(Activation activation, double lr, int seed, int lag) => new()
    {
        Name = $"r-{activation.ToString().ToLowerInvariant()}-k{lag}-s{seed}",
        Model = { Activation = activation },
        Training = { Seed = seed, LearningRate = lr },
        Corpus = { Kind = CorpusKind.DelayedRecall, Episodes = true, Lags = [lag], Loss = ProbeLoss.Dependents },
    };

    [Fact]
    public void UnitHash_IgnoresSeedAndEpisodeLag_NothingElse()
    {
        string unit = Spec(Activation.Tanh, 0.01, 1, 4).UnitHash();
        Assert.Equal(unit, Spec(Activation.Tanh, 0.01, 2, 16).UnitHash());
        Assert.NotEqual(unit, Spec(Activation.Tanh, 0.003, 1, 4).UnitHash());
        Assert.NotEqual(unit, Spec(Activation.Sigmoid, 0.01, 1, 4).UnitHash());
        var mixed = Spec(Activation.Tanh, 0.01, 1, 4);
        mixed.Corpus.Episodes = false;
        Assert.NotEqual(mixed.UnitHash(), new RunSpec { Corpus = { Kind = CorpusKind.DelayedRecall, Lags = [8] }, Model = { Activation = Activation.Tanh }, Training = { LearningRate = 0.01 } }.UnitHash());
    }

    /// <summary>One episode run: accuracy <paramref name="accuracies"/>[i] at step 100·(i + 1), key gradient 10^<paramref name="keyLog10"/>.</summary>
    private static RunRecording Run(RunSpec spec, double keyLog10, params double[] accuracies)
    {
        var run = new RunRecording(RunInfo.For("suite", spec));
        int lag = spec.Corpus.Lags[0];
        for (int i = 0; i < accuracies.Length; i++)
            run.Record(new ProbeAccuracy(lag, spec.Training.Seed, (int)Math.Round(accuracies[i] * 100), 100, 1.0 / 16, 100 * (i + 1)));
        for (int step = 0; step < 60; step++)
            run.Record(new GradientFlowRecord(step, [(float)Math.Pow(10, keyLog10 + (step < 50 ? 0 : 5)), .. new float[lag - 2], 1f]));
        run.Record(new StabilitySnapshot(new StabilitySummary(0, 2.0, 1, 0.25, 0.5, [], 0, 0), [], []));
        run.Record(new StabilitySnapshot(new StabilitySummary(300, 8.0, 1, 0.25, 2.0, [], 0, 0), [], []));
        return run;
    }

    [Fact]
    public void Pool_SeveralConfigurationsOfOneActivation_AreSeparateUnits_EachWithItsLags()
    {
        var runs = new List<RunRecording>();
        foreach (double lr in new[] { 0.01, 0.001 })
            foreach (int lag in new[] { 4, 16 })
                foreach (int seed in new[] { 1, 2, 3 })
                    runs.Add(Run(Spec(Activation.Tanh, lr, seed, lag), -2, 0.5, 0.95));
        var units = ProbeUnit.Pool(runs);
        Assert.Equal(2, units.Count);
        Assert.All(units, u => Assert.Equal((3, 6, "r-tanh"), (u.Seeds, u.Runs.Count, u.Name)));
        Assert.All(units, u => Assert.Equal([4, 16], u.Lags.Select(l => l.Lag)));
        Assert.All(units, u => Assert.All(u.Lags, l => Assert.Equal(3, l.Seeds)));
    }

    [Fact]
    public void LagLearning_CountsSeedsThatLearned_TheirFirstStep_AndTheEarlyKeyGradient()
    {
        var runs = new[]
        {
            Run(Spec(Activation.Tanh, 0.01, 1, 8), -1, 0.5, 0.95, 0.97),            // learned at step 200
            Run(Spec(Activation.Tanh, 0.01, 2, 8), -3, 0.92, 0.5, 0.91),             // first reached at 100, final ≥ 0.9
            Run(Spec(Activation.Tanh, 0.01, 3, 8), -9, 0.1, 0.95, 0.6),              // forgot it: not learned
        };
        var unit = Assert.Single(ProbeUnit.Pool(runs));
        var lag = Assert.Single(LagLearning.Of(unit, 0.9));
        Assert.Equal((8, 2), (lag.Lag, lag.Learned));
        Assert.Equal([200, 100, null], lag.Seeds.Select(s => s.LearnedStep));
        Assert.Equal(ProportionInterval.Wilson(2, 3), lag.Share.Interval);
        Assert.Equal(150, lag.MedianLearnedStep);
        Assert.Equal(-3, lag.EarlyKeyGradient, 6);                                 // steps ≥ 50 (raised by 10^5) are not early
        Assert.Equal((0.5, 2.0), (lag.FirstGammaWhh, lag.LastGammaWhh));
        Assert.Equal(8, LagLearning.LargestLearned([lag]));
        // More gradient at the key, sooner learned: −1 → 200, −3 → 100, −9 → never: ranks (3, 2, 1) vs (2, 1, 3).
        Assert.Equal(RankCorrelation.Spearman([-1, -3, -9], [200, 100, double.PositiveInfinity]), LagLearning.GradientVersusLearning(lag.Seeds), 12);
    }

    [Fact]
    public void KeyGradient_IsTheLog10RatioOfTheFirstToTheLastTimestep_NaNWhenUndefined()
    {
        Assert.Equal(-2, SeedLearning.KeyGradient(new GradientFlowRecord(0, [0.01f, 0.5f, 1f])), 6);
        Assert.True(double.IsNaN(SeedLearning.KeyGradient(new GradientFlowRecord(0, [0f, 1f]))));
        Assert.True(double.IsNaN(SeedLearning.KeyGradient(new GradientFlowRecord(0, [float.NaN, 1f]))));
        Assert.True(double.IsNaN(SeedLearning.KeyGradient(new GradientFlowRecord(0, [1f]))));
    }
}
