using RnnPipeline.Diagnostics;

namespace RnnPipeline.Statistics;

/// <summary>What the seeds of a unit show at one lag (<see cref="PooledAccuracy.Classify"/>).</summary>
public enum LagStatus
{
    /// <summary>The seed median is at least the solved threshold with 95% confidence.</summary>
    Solved,
    /// <summary>The seed median is above chance with 95% confidence, but not shown to be solved.</summary>
    AboveChance,
    /// <summary>The seeds do not show the median above chance.</summary>
    AtChance,
    /// <summary>Too few seeds for a 95% interval of the median (5 or fewer).</summary>
    TooFewSeeds,
}

/// <summary>
/// Probe accuracy of one unit (runs that differ only in their seed) at one lag: each seed's accuracy, and the counts
/// of all seeds pooled. Seed-to-seed spread is far larger than the binomial error of the evaluated dependents, so
/// every judgement is made on the seeds (<see cref="Classify"/>, <see cref="ProbeComparison"/>); the pooled Wilson
/// interval <see cref="Interval"/> describes only the evaluation text's sampling error.
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

    /// <summary>Median accuracy over seeds.</summary>
    public double Median => Quantile.Median(SeedAccuracies);

    /// <summary>95% distribution-free interval of the seed median (null with 5 seeds or fewer).</summary>
    public MedianInterval? SeedInterval => MedianInterval.Of(SeedAccuracies);

    /// <summary>95% Wilson interval of the pooled proportion Correct / Samples (the evaluation's sampling error only).</summary>
    public ProportionInterval Interval => ProportionInterval.Wilson(Correct, Samples);

    /// <summary>What all seeds show (<see cref="Classify"/>).</summary>
    public LagStatus Status(double threshold) => Classify(SeedAccuracies, threshold, Chance);

    /// <summary>
    /// Solved when the 95% interval of the seed median (<see cref="MedianInterval"/>) lies at or above
    /// <paramref name="threshold"/>; above chance when it lies above <paramref name="chance"/>; at chance otherwise. A
    /// single seed cannot carry a unit: with 8 seeds the interval's lower end is the lowest seed.
    /// </summary>
    public static LagStatus Classify(IReadOnlyList<double> seeds, double threshold, double chance) => MedianInterval.Of(seeds) switch
    {
        null => LagStatus.TooFewSeeds,
        { Low: var low } when low >= threshold => LagStatus.Solved,
        { Low: var low } when low > chance => LagStatus.AboveChance,
        _ => LagStatus.AtChance,
    };

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
