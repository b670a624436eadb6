using System.Globalization;
using RnnPipeline.Options;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting;

/// <summary>
/// What the report says about one-lag episode runs (<see cref="CorpusOptions.Episodes"/>): per unit and lag the seeds
/// that learned the lag trained on it alone and when, and beside it the gradient that reached the key on the same runs.
/// </summary>
/// <param name="Units">Each unit's name and its lags, in the order of the probe findings' units.</param>
/// <param name="Threshold">Accuracy at which a seed counts as having learned a lag.</param>
/// <param name="Steps">Training steps of the runs (the largest).</param>
/// <param name="Rho">Spearman's ρ over every run between the early key gradient and the step the lag was learned.</param>
/// <param name="Narrative">The experiment and its mechanism in words.</param>
public sealed record LagFindings(IReadOnlyList<(string Name, IReadOnlyList<LagLearning> Lags)> Units, double Threshold, int Steps, double Rho, IReadOnlyList<string> Narrative)
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The findings of <paramref name="runs"/> pooled into <paramref name="units"/>, or null when they are not one-lag episode runs.</summary>
    public static LagFindings? Of(IReadOnlyList<ReportRun> runs, IReadOnlyList<ProbeUnit> units, ProbeOptions options)
    {
        if (runs.Count == 0 || !runs.All(r => r.Spec.Corpus.Episodes)) return null;
        var lags = units.Select(u => (u.Name, Lags: LagLearning.Of(u, options.SolvedThreshold))).Where(u => u.Lags.Count > 0).ToArray();
        if (lags.Length == 0) return null;
        var seeds = lags.SelectMany(u => u.Lags).SelectMany(l => l.Seeds).ToArray();
        double rho = LagLearning.GradientVersusLearning(seeds);
        int steps = runs.Max(r => r.Spec.Training.Steps);
        var first = runs[0].Spec;
        var lines = new List<string>
        {
            $"What this measures: each run trains one lag k alone, on episodes ({Episode(first.Corpus.Kind)}) read from h = 0 with the loss on the dependent only, " +
            $"for {steps} steps; a seed learned lag k when its accuracy on {first.Probe.SamplesPerLag} fresh episodes reached {Reporting.Narrative.Percent(options.SolvedThreshold)} " +
            $"(chance {Reporting.Narrative.Percent(1.0 / first.Corpus.KeyCount)}), and the step it learned it is the first probe (every {first.Probe.Every} steps) at that level. " +
            "This is the fixed-length setting of Bengio, Simard & Frasconi (1994), Hochreiter & Schmidhuber (1997) and Le, Jaitly & Hinton (2015): nothing learned at one lag can carry over to another.",
        };
        foreach (var (name, unitLags) in lags) lines.Add(Reach(name, unitLags));
        lines.Add(Mechanism(lags, rho, seeds.Length));
        lines.AddRange(Condition(lags));
        return new LagFindings(lags, options.SolvedThreshold, steps, rho, lines);
    }

    private static string Episode(CorpusKind kind) => kind == CorpusKind.DelayedRecall
        ? "a key, k − 2 random digits, the cue '>', the key again"
        : "an opener, k − 1 random letters, its closer";

    private static string Reach(string name, IReadOnlyList<LagLearning> lags)
    {
        int largest = LagLearning.LargestLearned(lags);
        string per = string.Join("; ", lags.Select(l =>
        {
            string step = l.MedianLearnedStep is double s ? $", median step {s.ToString("F0", C)}" : "";
            return $"k = {l.Lag}: {l.Learned}/{l.Seeds.Count}{step}";
        }));
        string reach = largest == 0 ? "no lag by a majority of its seeds" : $"every lag up to {largest} by a majority of its seeds";
        int[] rising = [.. lags.Where(l => l.StillRising).Select(l => l.Lag)];
        string plateau = rising.Length == 0
            ? $" Every lag had reached its plateau (median gain < 0.05 over the last {LagLearning.LateSteps} steps, or learned by every seed)."
            : $" Still rising at the end (median gain ≥ 0.05 over the last {LagLearning.LateSteps} steps) at {ProbeNarrative.Lags(rising)}: a longer budget may learn more there.";
        return $"{name} learns {reach} (seeds that learned each lag: {per}; 95% intervals in the table).{plateau}";
    }

    private static string Mechanism(IReadOnlyList<(string Name, IReadOnlyList<LagLearning> Lags)> units, double rho, int runs)
    {
        string perUnit = string.Join("; ", units.Select(u =>
        {
            var shown = u.Lags.Where(l => double.IsFinite(l.EarlyKeyGradient)).ToArray();
            return shown.Length == 0 ? $"{u.Name}: –" : $"{u.Name} {string.Join(", ", shown.Select(l => $"10^{l.EarlyKeyGradient.ToString("F1", C)} at k = {l.Lag}"))}";
        }));
        string direction = !double.IsFinite(rho) ? "" : rho < -0.3
            ? ": the more gradient reached the key, the sooner the lag was learned, as the lecture predicts"
            : rho > 0.3 ? ": against the lecture's prediction, runs with less gradient at the key learned sooner" : ": a weak relation";
        var withinLag = units.SelectMany(u => u.Lags).GroupBy(l => l.Lag).OrderBy(g => g.Key)
            .Select(g => (Lag: g.Key, Rho: LagLearning.GradientVersusLearning(g.SelectMany(l => l.Seeds))))
            .Where(x => double.IsFinite(x.Rho)).Select(x => $"k = {x.Lag}: {x.Rho.ToString("F2", C)}").ToArray();
        string control = withinLag.Length == 0 ? "" :
            $" Longer lags have both less gradient and later learning, so the lag alone could produce that; within one lag, across units and seeds, ρ is {string.Join(", ", withinLag)} (undefined where every run or no run learned the lag).";
        return $"Why (the lecture's mechanism, measured on the same runs): the gradient reaching the key relative to the dependent — the product of the k − 1 Jacobians " +
               $"applied to the dependent's gradient — at the start of training (median over seeds of the first {LagLearning.EarlySteps} steps): {perUnit}. " +
               $"Over all {runs} runs, Spearman's ρ between this early gradient and the step the lag was learned (not learned ranks last) is {Reporting.Narrative.F(rho, "F2")}{direction}.{control}";
    }

    private static IEnumerable<string> Condition(IReadOnlyList<(string Name, IReadOnlyList<LagLearning> Lags)> units)
    {
        foreach (var (name, lags) in units)
        {
            double start = Quantile.FiniteMedian(lags.Select(l => l.FirstGammaWhh)), end = Quantile.FiniteMedian(lags.Select(l => l.LastGammaWhh));
            var (despite, notVanishing) = Exceptions(lags);
            if (!double.IsFinite(start) || !double.IsFinite(end))
            {
                // A gated cell has no γ·‖W_hh‖₂ (its W_hh holds several gate blocks); what it learned against the gradient still reads the same.
                if (despite.Length + notVanishing.Length > 0) yield return $"{name} (a gated cell: no γ·‖W_hh‖₂ bound):{despite}{notVanishing}";
                continue;
            }
            string holds = start < 1 ? "below 1, so every gradient path vanishes exponentially (the sufficient condition of Pascanu et al. 2013 holds)"
                                     : "at or above 1, so the condition that guarantees vanishing does not hold and only the measured product tells";
            string after = (start < 1) == (end < 1) ? $"and is {end.ToString("F2", C)} at the end" : end >= 1
                ? $"but training grew it to {end.ToString("F2", C)}: the guarantee stops holding, and what vanishes is what the measured gradient shows"
                : $"and training shrank it to {end.ToString("F2", C)}";
            yield return $"{name}: γ·‖W_hh‖₂ starts at {start.ToString("F2", C)}, {holds}, {after}.{despite}{notVanishing}";
        }
    }

    /// <summary>
    /// Where a unit's learning goes against its gradient at the key: lags it learned in some seeds with less than 10^−6
    /// of the gradient at the key, and the first lag it fails although the gradient there has not vanished.
    /// </summary>
    private static (string Despite, string NotVanishing) Exceptions(IReadOnlyList<LagLearning> lags)
    {
        var learnedDespite = lags.Where(l => l.Seeds.Any(x => x.Learned && x.EarlyKeyGradient < -6)).Select(l => l.Lag).ToArray();
        string despite = learnedDespite.Length == 0 ? ""
            : $" It learned {ProbeNarrative.Lags(learnedDespite)} in some seeds although less than 10^-6 of the gradient reached the key at the start, where the lecture predicts no learning: its plot of the gradient at the key over training shows whether training opened the path before the lag was learned; Adam, which scales each weight's step by that weight's own gradient history, can also move the weights on a vanishing but consistent signal.";
        var failed = lags.OrderBy(l => l.Lag).FirstOrDefault(l => 2 * l.Learned <= l.Seeds.Count);
        string notVanishing = failed is not null && failed.EarlyKeyGradient > -2
            ? $" It does not learn lag {failed.Lag} although 10^{failed.EarlyKeyGradient.ToString("F1", C)} of the gradient reaches the key there, so a vanished gradient does not explain it; " +
              (failed.StillRising ? "its accuracy was still rising at the end, so a longer budget may learn it." : "its accuracy had stopped rising.")
            : "";
        return (despite, notVanishing);
    }
}
