using RnnPipeline.Diagnostics;

namespace RnnPipeline.Statistics;

/// <summary>
/// One seed trained on one lag alone (a <c>Corpus.Episodes</c> run): whether and when it learned the lag, and the
/// lecture's quantities on the same run — the gradient reaching the key and γ·‖W_hh‖₂.
/// </summary>
/// <param name="Run">The run's records.</param>
/// <param name="Lag">The lag k it trained on.</param>
/// <param name="FinalAccuracy">Accuracy on fresh episodes after the last step.</param>
/// <param name="LearnedStep">Steps trained when the probe first reached the threshold, for a run whose final accuracy is at
/// or above it; null when the run did not learn the lag.</param>
/// <param name="EarlyKeyGradient">log10 of the key gradient (<see cref="KeyGradient"/>), median over the first
/// <see cref="LagLearning.EarlySteps"/> steps: how much gradient reached the key before anything was learned.</param>
/// <param name="FirstGammaWhh">γ·‖W_hh‖₂ at the first stability record (NaN without one).</param>
/// <param name="LastGammaWhh">γ·‖W_hh‖₂ at the last stability record (NaN without one).</param>
/// <param name="LateGain">Final accuracy minus the accuracy of the last probe at least <see cref="LagLearning.LateSteps"/>
/// steps before it (NaN without one): above 0 while the run was still learning at the end.</param>
public sealed record SeedLearning(RunRecording Run, int Lag, double FinalAccuracy, int? LearnedStep, double EarlyKeyGradient, double FirstGammaWhh, double LastGammaWhh,
    double LateGain)
{
    /// <summary>True when the final accuracy reached the threshold.</summary>
    public bool Learned => LearnedStep is not null;

    /// <summary>
    /// log10 of the gradient reaching the key per step: ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖ from the real backward pass (each
    /// a mean over the batch), where the episode's key is read at t = 0 and its dependent is predicted at t = T − 1 = k − 1.
    /// The loss counts only the dependent, so ∂L/∂h_0 = (J_{T−1}⋯J_1)ᵀ ∂L/∂h_{T−1}: the ratio is the product of the
    /// k − 1 Jacobians between key and dependent applied to the dependent's gradient. NaN when it is not finite or zero.
    /// </summary>
    public static double KeyGradient(GradientFlowRecord flow) =>
        flow.HiddenGradNorms is [var key, .., var dependent] && key > 0 && dependent > 0 && float.IsFinite(key) && float.IsFinite(dependent)
            ? Math.Log10((double)key / dependent) : double.NaN;

    /// <summary>The seed's record of one run trained on one lag, judged at <paramref name="threshold"/>.</summary>
    public static SeedLearning Of(RunRecording run, double threshold)
    {
        var final = run.FinalProbes.Single();
        int? learned = final.Accuracy >= threshold ? run.Probes.Where(p => p.Accuracy >= threshold).Min(p => p.Step) : null;
        var stability = run.Stability.OrderBy(s => s.Step).ToArray();
        var before = run.Probes.Where(p => p.Step <= final.Step - LagLearning.LateSteps).MaxBy(p => p.Step);
        return new SeedLearning(run, final.Lag, final.Accuracy, learned,
            Quantile.FiniteMedian(run.GradientFlow.Where(f => f.Step < LagLearning.EarlySteps).Select(KeyGradient)),
            stability.Length == 0 ? double.NaN : stability[0].Gamma * stability[0].WhhNorm,
            stability.Length == 0 ? double.NaN : stability[^1].Gamma * stability[^1].WhhNorm,
            before is null ? double.NaN : final.Accuracy - before.Accuracy);
    }
}

/// <summary>
/// A unit's seeds at one lag, each trained on that lag alone: how many learned it (with a Wilson interval over seeds),
/// when, and how much gradient reached the key.
/// </summary>
/// <param name="Lag">The lag k.</param>
/// <param name="Seeds">One record per seed, in seed order.</param>
public sealed record LagLearning(int Lag, IReadOnlyList<SeedLearning> Seeds)
{
    /// <summary>Steps at the start of training whose key gradient is "early" (<see cref="SeedLearning.EarlyKeyGradient"/>).</summary>
    public const int EarlySteps = 50;

    /// <summary>Steps before the end over which <see cref="SeedLearning.LateGain"/> is measured.</summary>
    public const int LateSteps = 100;

    /// <summary>
    /// True when the lag had not reached its plateau: the seeds' median accuracy gain over the last
    /// <see cref="LateSteps"/> steps is at least 0.05 while fewer than all seeds learned it.
    /// </summary>
    public bool StillRising => Learned < Seeds.Count && Quantile.FiniteMedian(Seeds.Select(s => s.LateGain)) >= 0.05;

    /// <summary>Seeds that learned the lag.</summary>
    public int Learned => Seeds.Count(s => s.Learned);

    /// <summary>Share of seeds that learned the lag, with its 95% Wilson interval.</summary>
    public (double Share, ProportionInterval Interval) Share => ((double)Learned / Seeds.Count, ProportionInterval.Wilson(Learned, Seeds.Count));

    /// <summary>Median step at which the seeds that learned the lag first reached the threshold; null when none did.</summary>
    public double? MedianLearnedStep => Learned == 0 ? null : Quantile.Median(Seeds.Where(s => s.Learned).Select(s => (double)s.LearnedStep!.Value));

    /// <summary>Median over seeds of the early log10 key gradient (NaN when no seed has one).</summary>
    public double EarlyKeyGradient => Quantile.FiniteMedian(Seeds.Select(s => s.EarlyKeyGradient));

    /// <summary>Median over seeds of γ·‖W_hh‖₂ at the first stability record.</summary>
    public double FirstGammaWhh => Quantile.FiniteMedian(Seeds.Select(s => s.FirstGammaWhh));

    /// <summary>Median over seeds of γ·‖W_hh‖₂ at the last stability record.</summary>
    public double LastGammaWhh => Quantile.FiniteMedian(Seeds.Select(s => s.LastGammaWhh));

    /// <summary>
    /// The lags of <paramref name="unit"/>, each from the runs trained on it alone; empty when the unit's runs were not
    /// one-lag episode runs.
    /// </summary>
    public static IReadOnlyList<LagLearning> Of(ProbeUnit unit, double threshold) =>
        [.. unit.Lags.Select(l => unit.TrainedOn(l.Lag)).Where(r => r.Count > 0)
            .Select(runs => new LagLearning(runs[0].FinalProbes[0].Lag, [.. runs.Select(r => SeedLearning.Of(r, threshold))]))];

    /// <summary>
    /// Largest lag that a majority of the unit's seeds learned, below which every lag was learned by a majority as
    /// well; 0 when even the shortest was not.
    /// </summary>
    public static int LargestLearned(IReadOnlyList<LagLearning> lags) =>
        lags.OrderBy(l => l.Lag).TakeWhile(l => 2 * l.Learned > l.Seeds.Count).Select(l => l.Lag).DefaultIfEmpty(0).Last();

    /// <summary>
    /// Spearman's ρ over <paramref name="seeds"/> between the early key gradient and the step the lag was learned (a seed
    /// that never learned it ranks last, as if learned after every other): negative when more gradient at the key means
    /// learning sooner, as the lecture predicts. NaN with fewer than 3 seeds with a key gradient.
    /// </summary>
    public static double GradientVersusLearning(IEnumerable<SeedLearning> seeds)
    {
        var usable = seeds.Where(s => double.IsFinite(s.EarlyKeyGradient)).ToArray();
        return RankCorrelation.Spearman([.. usable.Select(s => s.EarlyKeyGradient)],
            [.. usable.Select(s => s.LearnedStep is int step ? step : double.PositiveInfinity)]);
    }
}
