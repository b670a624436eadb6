namespace RnnPipeline.Statistics;

/// <summary>A confidence interval for a binomial proportion, [<paramref name="Low"/>, <paramref name="High"/>] ⊆ [0, 1].</summary>
/// <param name="Low">Lower bound.</param>
/// <param name="High">Upper bound.</param>
public sealed record ProportionInterval(double Low, double High)
{
    /// <summary>Two-sided 95% normal quantile z = Φ⁻¹(0.975).</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>True when <paramref name="value"/> lies inside the interval (bounds included).</summary>
    public bool Contains(double value) => Low <= value && value <= High;

    /// <summary>
    /// The Wilson score interval for <paramref name="successes"/> of <paramref name="trials"/> (Wilson 1927, "Probable
    /// inference, the law of succession, and statistical inference", JASA 22: 209–212): the proportions p whose score
    /// test |p̂ − p| ≤ z·√(p(1 − p)/n) does not reject. Unlike the Wald interval p̂ ± z·√(p̂(1 − p̂)/n) it stays inside
    /// [0, 1] and keeps its coverage near 0 and 1 (Newcombe 1998; Brown, Cai &amp; DasGupta 2001) — where probe accuracies
    /// at chance and at 100% sit. With no trials it is [0, 1].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative counts or more successes than trials.</exception>
    public static ProportionInterval Wilson(int successes, int trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (trials == 0) return new ProportionInterval(0, 1);
        double n = trials, p = successes / n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        // Exact at the ends: 0 successes give Low = 0 and all successes High = 1 (rounding would leave ±1e−17).
        return new ProportionInterval(successes == 0 ? 0 : Math.Max(0, centre - half), successes == trials ? 1 : Math.Min(1, centre + half));
    }
}
