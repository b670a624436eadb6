using RnnPipeline.Diagnostics;

namespace RnnPipeline.Statistics;

/// <summary>
/// Probe accuracy of one unit (runs that differ only in their seed) at one lag: each seed's accuracy, and the counts
/// of all seeds pooled. The pooled Wilson interval is a binomial interval over every evaluated dependent; it does not
/// include the seed-to-seed spread, which is why comparisons between units use <see cref="SeparationRule"/> on the
/// per-seed accuracies instead.
/// </summary>
/// <param name="Lag">Dependency lag k.</param>
/// <param name="SeedAccuracies">Accuracy of each seed, in seed order.</param>
/// <param name="Correct">Correct dependents, all seeds.</param>
/// <param name="Samples">Evaluated dependents, all seeds.</param>
/// <param name="Chance">Chance accuracy (1 / number of keys).</param>
public sealed record PooledAccuracy(int Lag, IReadOnlyList<double> SeedAccuracies, int Correct, int Samples, double Chance)
{
    /// <summary>Number of seeds.</summary>
    public int Seeds => SeedAccuracies.Count;

    /// <summary>Mean accuracy over seeds (each seed weighs the same).</summary>
    public double Mean => SeedAccuracies.Average();

    /// <summary>95% Wilson interval of the pooled proportion Correct / Samples.</summary>
    public ProportionInterval Interval => ProportionInterval.Wilson(Correct, Samples);

    /// <summary>
    /// Solved: the mean over seeds is at least <paramref name="threshold"/> and the pooled interval lies wholly above
    /// chance (lower bound &gt; chance).
    /// </summary>
    public bool IsSolved(double threshold) => Mean >= threshold && Interval.Low > Chance;

    /// <summary>
    /// At chance: the pooled interval does not lie above chance (lower bound ≤ chance) — the dependents evaluated give no
    /// evidence that the unit recalls anything at this lag.
    /// </summary>
    public bool IsAtChance => Interval.Low <= Chance;

    /// <summary>Pools the probe rows of one lag, one row per seed.</summary>
    /// <exception cref="ArgumentException">No rows, rows of several lags, or rows with different chance levels.</exception>
    public static PooledAccuracy From(IReadOnlyList<ProbeAccuracy> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("no probe rows to pool", nameof(rows));
        if (rows.Any(r => r.Lag != rows[0].Lag || r.Chance != rows[0].Chance))
            throw new ArgumentException("probe rows of different lags or chance levels cannot be pooled", nameof(rows));
        var ordered = rows.OrderBy(r => r.Seed).ToArray();
        return new PooledAccuracy(rows[0].Lag, ordered.Select(r => r.Accuracy).ToArray(), rows.Sum(r => r.Correct), rows.Sum(r => r.Samples), rows[0].Chance);
    }
}
