using System.Globalization;
using RnnPipeline.Options;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting;

/// <summary>
/// Everything the report says about the long-range probes of one group of runs, computed once: the units, the
/// comparisons by the stated procedure, the sentences, and how likely a rerun on fresh seeds replicates each finding.
/// </summary>
/// <param name="Options">The probe settings of the group (thresholds, error rate, replication).</param>
/// <param name="Units">Runs pooled by unit.</param>
/// <param name="Comparisons">Every pair of units at every lag (<see cref="ProbeComparison"/>).</param>
/// <param name="Narrative">The findings in words (<see cref="ProbeNarrative"/>).</param>
/// <param name="Power">The replication-power sentence, or null without replicated findings.</param>
/// <param name="Learning">For one-lag episode runs: which lags were learned, when, and the gradient at the key; else null.</param>
public sealed record ProbeFindings(ProbeOptions Options, IReadOnlyList<ProbeUnit> Units, IReadOnlyList<PairComparison> Comparisons,
    IReadOnlyList<string> Narrative, string? Power, LagFindings? Learning = null)
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Bootstrap reruns behind the power estimate.</summary>
    public const int Resamples = 200;

    /// <summary>Largest 95% Monte Carlo error of a share estimated from <see cref="Resamples"/> reruns: 1.96·√(¼ / 200) ≈ 0.069.</summary>
    public static readonly double MonteCarloError = 1.96 * Math.Sqrt(0.25 / Resamples);

    /// <summary>
    /// The findings of each experiment's probe runs among <paramref name="runs"/> (<see cref="ReportRun.Experiment"/>; those without probes are absent),
    /// computed once for everything that shows them: the power estimate reruns the whole procedure hundreds of times.
    /// </summary>
    public static IReadOnlyDictionary<string, ProbeFindings> PerCorpus(IReadOnlyList<ReportRun> runs) => runs
        .GroupBy(r => r.Experiment)
        .Select(g => (g.Key, Findings: Of(g.ToArray())))
        .Where(g => g.Findings is not null)
        .ToDictionary(g => g.Key, g => g.Findings!);

    /// <summary>The findings of the probe runs among <paramref name="runs"/>, or null when none was probed.</summary>
    /// <exception cref="ArgumentException">Two probed runs disagree on a report setting (<see cref="ProbeOptions.ReportSettings"/>).</exception>
    public static ProbeFindings? Of(IReadOnlyList<ReportRun> runs)
    {
        var probed = runs.Where(r => r.Run.Probes.Count > 0).ToArray();
        if (probed.Length == 0) return null;
        var options = probed[0].Spec.Probe;                                    // the suite's report settings: every run has the same
        var settings = options.ReportSettings();
        if (probed.FirstOrDefault(r => !r.Spec.Probe.ReportSettings().SequenceEqual(settings)) is { } other)
            throw new ArgumentException($"runs '{probed[0].Spec.Name}' and '{other.Spec.Name}' have different report settings (Probe.SolvedThreshold, ErrorRate, Replicate, PowerSeeds): one report reads its runs by one set", nameof(runs));
        var units = ProbeUnit.Pool(probed.Select(r => r.Run));
        var comparisons = ProbeComparison.Compare(units, options.ErrorRate, options.Replicate);
        var found = comparisons.Where(c => c.Verdict is Verdict.Replicated or Verdict.Unconfirmed).ToArray();
        bool powered = found.Length > 0 && ProbeComparison.Splits(units, options.Replicate);
        // The power at the suite's own seed count marks findings as tentative; PowerSeeds adds other counts to the sentence.
        double[] own = powered ? ReplicationPower.Estimate(units, found, units.Min(u => u.Seeds), options.ErrorRate, Resamples) : [];
        var tentative = found.Zip(own).Where(p => p.Second < TentativeBelow).Select(p => p.First).ToHashSet();
        var narrative = ProbeNarrative.Compare(units, comparisons, options, tentative);
        return new ProbeFindings(options, units, comparisons, narrative, powered ? PowerSentence(units, found, own, options) : null, LagFindings.Of(probed, units, options));
    }

    /// <summary>Estimated replication power below which a replicated finding is reported as tentative.</summary>
    public const double TentativeBelow = 0.8;

    private static string PowerSentence(IReadOnlyList<ProbeUnit> units, PairComparison[] found, double[] own, ProbeOptions options)
    {
        int suiteSeeds = units.Min(u => u.Seeds);
        int[] counts = options.PowerSeeds.Length > 0 ? options.PowerSeeds : [suiteSeeds];
        var parts = counts.Select(seeds =>
        {
            double[] power = seeds == suiteSeeds ? own : ReplicationPower.Estimate(units, found, seeds, options.ErrorRate, Resamples);
            var weakest = found.Zip(power).OrderBy(p => p.Second).Take(3)
                .Select(p => $"{p.First.Winner!.Name} > {p.First.Loser!.Name} at lag {p.First.Lag} {p.Second.ToString("0.00", C)}");
            return $"with {seeds} seeds per unit, {power.Count(p => p >= 0.8)} of {power.Length} findings replicate with probability ≥ 0.80 " +
                   $"(mean {power.Average().ToString("0.00", C)}, lowest {power.Min().ToString("0.00", C)}: {string.Join(", ", weakest)})";
        });
        return $"Replication power, a bootstrap over the observed seeds (the whole procedure rerun on seeds drawn with replacement from these, {Resamples} resamples): " +
               $"{string.Join("; ", parts)}. It treats these seeds as the population, so it is optimistic, and it carries a Monte Carlo error of up to ±{MonteCarloError.ToString("0.000", C)} on top; " +
               $"findings below {TentativeBelow.ToString("0.0", C)} are marked tentative.";
    }
}
