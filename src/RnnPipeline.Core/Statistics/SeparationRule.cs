using RnnPipeline.Options;

namespace RnnPipeline.Statistics;

/// <summary>Outcome of comparing two units at one lag.</summary>
public enum Separation
{
    /// <summary>Neither beats the other.</summary>
    None,
    /// <summary>The first unit beats the second.</summary>
    FirstBeatsSecond,
    /// <summary>The second unit beats the first.</summary>
    SecondBeatsFirst,
    /// <summary>A unit has fewer seeds at this lag than the rule needs: no verdict.</summary>
    TooFewSeeds,
}

/// <summary>
/// The stated rule for "A beats B at lag k", fixed before looking at the results: both units have at least
/// <see cref="MinimumSeeds"/> seeds at k, every seed of A is strictly above every seed of B, and the mean accuracy of A
/// exceeds that of B by at least <see cref="MinimumGap"/>. With 3 seeds against 3, complete separation alone has
/// probability 1/C(6,3) = 1/20 when the seeds of both units come from one distribution (the exact one-sided
/// Mann–Whitney test at U = 0; Mann &amp; Whitney 1947); the gap keeps a statistically clear but tiny difference from
/// counting as a different memory.
/// </summary>
/// <param name="MinimumGap">Smallest difference of means that counts (accuracy units).</param>
/// <param name="MinimumSeeds">Seeds each unit needs at the lag.</param>
public sealed record SeparationRule(double MinimumGap, int MinimumSeeds)
{
    /// <summary>The rule configured by <paramref name="options"/> (<see cref="ProbeOptions.SeparationGap"/>, <see cref="ProbeOptions.SeparationSeeds"/>).</summary>
    public static SeparationRule From(ProbeOptions options) => new(options.SeparationGap, options.SeparationSeeds);

    /// <summary>True when <paramref name="a"/> beats <paramref name="b"/> at their (common) lag.</summary>
    public bool Beats(PooledAccuracy a, PooledAccuracy b) =>
        a.Seeds >= MinimumSeeds && b.Seeds >= MinimumSeeds
        && a.SeedAccuracies.Min() > b.SeedAccuracies.Max()
        && a.Mean - b.Mean >= MinimumGap - 1e-12;   // a gap of exactly MinimumGap counts despite rounding of the means

    /// <summary>Compares <paramref name="first"/> and <paramref name="second"/> at their (common) lag.</summary>
    public Separation Compare(PooledAccuracy first, PooledAccuracy second) =>
        first.Seeds < MinimumSeeds || second.Seeds < MinimumSeeds ? Separation.TooFewSeeds
        : Beats(first, second) ? Separation.FirstBeatsSecond
        : Beats(second, first) ? Separation.SecondBeatsFirst
        : Separation.None;
}
