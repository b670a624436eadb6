namespace RnnPipeline.Statistics;

/// <summary>
/// How likely a rerun on fresh seeds finds a verdict again: the whole procedure of <see cref="ProbeComparison"/> is
/// repeated on resampled units (a nonparametric bootstrap over seeds: each unit's runs drawn with replacement, all lags of
/// a drawn run together, so the correlation between lags is kept) with a chosen number of seeds per unit, and the share
/// of resamples in which each verdict comes out replicated in the same direction is counted. It treats the observed
/// seeds as the population, so it is an estimate for effects like the ones observed (Efron &amp; Tibshirani 1993, ch. 6).
/// </summary>
public static class ReplicationPower
{
    /// <summary>
    /// For each comparison of <paramref name="verdicts"/> (typically the replicated ones), the share of
    /// <paramref name="resamples"/> bootstrap reruns with <paramref name="seedsPerUnit"/> seeds per unit in which it is
    /// replicated in the same direction. Deterministic for a given <paramref name="seed"/>.
    /// </summary>
    public static double[] Estimate(IReadOnlyList<ProbeUnit> units, IReadOnlyList<PairComparison> verdicts, int seedsPerUnit,
        double alpha, int resamples = 200, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seedsPerUnit, 2);
        var random = new Random(seed);
        var found = new int[verdicts.Count];
        for (int b = 0; b < resamples; b++)
        {
            var drawn = units.Select(u => Resample(u, seedsPerUnit, random)).ToArray();
            var rerun = ProbeComparison.Compare(drawn, alpha, replicate: true);
            for (int v = 0; v < verdicts.Count; v++)
            {
                var target = verdicts[v];
                int i = IndexOf(units, target.First), j = IndexOf(units, target.Second);
                var again = rerun.FirstOrDefault(c => c.First == drawn[i] && c.Second == drawn[j] && c.Lag == target.Lag);
                if (again is { Verdict: Verdict.Replicated } && again.Direction == target.Direction) found[v]++;
            }
        }
        return found.Select(f => (double)f / resamples).ToArray();
    }

    private static int IndexOf(IReadOnlyList<ProbeUnit> units, ProbeUnit unit)
    {
        for (int i = 0; i < units.Count; i++)
            if (ReferenceEquals(units[i], unit)) return i;
        throw new ArgumentException($"unit '{unit.Name}' is not among the units");
    }

    /// <summary><paramref name="count"/> seeds of <paramref name="unit"/> drawn with replacement (whole runs: every lag of a drawn seed).</summary>
    private static ProbeUnit Resample(ProbeUnit unit, int count, Random random)
    {
        int[] picks = Enumerable.Range(0, count).Select(_ => random.Next(unit.Seeds)).ToArray();
        var lags = unit.Lags.Select(l => l with { SeedAccuracies = picks.Select(p => l.SeedAccuracies[p]).ToArray() }).ToArray();
        return unit with { Runs = picks.Select(p => unit.Runs[p]).ToArray(), Lags = lags };
    }
}
