namespace RnnPipeline.Statistics;

/// <summary>What became of one (pair, lag) comparison.</summary>
public enum Verdict
{
    /// <summary>Not separated on the exploratory seeds.</summary>
    NotSeparated,
    /// <summary>Separated on the exploratory seeds and again, in the same direction, on the confirmatory seeds.</summary>
    Replicated,
    /// <summary>Separated on the exploratory seeds but not on the confirmatory seeds.</summary>
    NotReplicated,
    /// <summary>Separated, with every seed used to find it (no confirmatory seeds: replication off or too few seeds).</summary>
    Unconfirmed,
}

/// <summary>
/// Two units compared at one lag.
/// </summary>
/// <param name="First">The first unit (in report order).</param>
/// <param name="Second">The second unit.</param>
/// <param name="Lag">Dependency lag k.</param>
/// <param name="Exploratory">Two-sided exact rank test on the exploratory seeds (on all seeds when the procedure does not split them).</param>
/// <param name="ExploratoryAdjusted">Its Benjamini–Hochberg adjusted p over every (pair, lag) of the report.</param>
/// <param name="Direction">+1: first above second, −1: second above first, 0: not separated.</param>
/// <param name="Confirmatory">One-sided exact rank test in <paramref name="Direction"/> on the confirmatory seeds (null when not tested).</param>
/// <param name="ConfirmatoryAdjusted">Its Holm adjusted p over every confirmed comparison (null when not tested).</param>
/// <param name="Verdict">The outcome.</param>
public sealed record PairComparison(
    ProbeUnit First, ProbeUnit Second, int Lag, RankTest Exploratory, double ExploratoryAdjusted, int Direction,
    RankTest? Confirmatory, double? ConfirmatoryAdjusted, Verdict Verdict)
{
    /// <summary>Hodges–Lehmann shift first − second over all seeds, with its 95% interval (<see cref="RankTest.Shift"/>).</summary>
    public (double Estimate, double Low, double High) Shift => RankTest.Shift(Seeds(First), Seeds(Second));

    /// <summary>P(a seed of first beats a seed of second) over all seeds, ties counting ½.</summary>
    public double Superiority
    {
        get
        {
            IReadOnlyList<double> a = Seeds(First), b = Seeds(Second);
            return a.Sum(x => b.Sum(y => x > y ? 1.0 : x == y ? 0.5 : 0)) / (a.Count * b.Count);
        }
    }

    private IReadOnlyList<double> Seeds(ProbeUnit unit) => unit.At(Lag)!.SeedAccuracies;

    /// <summary>The unit found above the other (null when not separated).</summary>
    public ProbeUnit? Winner => Direction > 0 ? First : Direction < 0 ? Second : null;

    /// <summary>The unit found below the other (null when not separated).</summary>
    public ProbeUnit? Loser => Direction > 0 ? Second : Direction < 0 ? First : null;
}

/// <summary>
/// The stated procedure behind every "A beats B at lag k" of the report, fixed before looking at results. The seeds of
/// each unit are split in seed order into an exploratory first half and a confirmatory second half.
/// <list type="number">
/// <item>Exploration: for every pair of units and every common lag, the exact two-sided Wilcoxon–Mann–Whitney test of
/// the exploratory seeds' accuracies (<see cref="RankTest"/>); Benjamini–Hochberg over the whole family at
/// <c>α</c> screens which comparisons to carry forward (a false-discovery-rate screen keeps its power when many
/// pairs differ, as in a staircase).</item>
/// <item>Confirmation: each comparison found is tested again, one-sided in the direction found, on the confirmatory
/// seeds only; Holm over those tests at <c>α</c> controls the family-wise error rate of the claims the report
/// makes. A comparison that passes is "replicated"; only those are stated as findings.</item>
/// </list>
/// Without a split (<c>replicate</c> false, or fewer than 2 seeds per half) every seed is used once, Holm over the
/// whole family at α, and separations are "unconfirmed". Effect sizes (Hodges–Lehmann shift with its interval,
/// probability of superiority) use all seeds.
/// </summary>
public static class ProbeComparison
{
    /// <summary>Compares every pair of <paramref name="units"/> at every lag both were probed at.</summary>
    public static IReadOnlyList<PairComparison> Compare(IReadOnlyList<ProbeUnit> units, double alpha, bool replicate)
    {
        bool split = Splits(units, replicate);
        var tests = new List<(ProbeUnit A, ProbeUnit B, int Lag, PooledAccuracy PA, PooledAccuracy PB, RankTest Test)>();
        for (int i = 0; i < units.Count; i++)
            for (int j = i + 1; j < units.Count; j++)
                foreach (var pa in units[i].Lags)
                    if (units[j].At(pa.Lag) is { } pb)
                        tests.Add((units[i], units[j], pa.Lag, pa, pb,
                            RankTest.Exact(split ? Exploratory(pa) : pa.SeedAccuracies, split ? Exploratory(pb) : pb.SeedAccuracies)));
        double[] adjusted = split ? MultipleTesting.BenjaminiHochberg(tests.Select(t => t.Test.TwoSided).ToArray())
                                  : MultipleTesting.Holm(tests.Select(t => t.Test.TwoSided).ToArray());
        int[] direction = tests.Select((t, k) => adjusted[k] > alpha ? 0 : t.Test.U * 2 > t.Test.PairCount ? 1 : -1).ToArray();

        var confirm = new RankTest?[tests.Count];
        for (int k = 0; k < tests.Count; k++)
            if (split && direction[k] != 0)
                confirm[k] = RankTest.Exact(Confirmatory(tests[k].PA), Confirmatory(tests[k].PB));
        int[] tested = Enumerable.Range(0, tests.Count).Where(k => confirm[k] is not null).ToArray();
        double[] holm = MultipleTesting.Holm(tested.Select(k => direction[k] > 0 ? confirm[k]!.Greater : confirm[k]!.Less).ToArray());

        return tests.Select((t, k) =>
        {
            int slot = Array.IndexOf(tested, k);
            double? confirmed = slot >= 0 ? holm[slot] : null;
            var verdict = direction[k] == 0 ? Verdict.NotSeparated
                : !split ? Verdict.Unconfirmed
                : confirmed <= alpha ? Verdict.Replicated : Verdict.NotReplicated;
            return new PairComparison(t.A, t.B, t.Lag, t.Test, adjusted[k], direction[k], confirm[k], confirmed, verdict);
        }).ToArray();
    }

    /// <summary>True when <see cref="Compare"/> splits the seeds of <paramref name="units"/>: replication asked and every unit has at least 4 seeds.</summary>
    public static bool Splits(IReadOnlyList<ProbeUnit> units, bool replicate) => replicate && units.All(u => u.Seeds >= 4);

    /// <summary>The exploratory seeds: the first half in seed order (the larger half when the count is odd).</summary>
    public static IReadOnlyList<double> Exploratory(PooledAccuracy p) => p.SeedAccuracies.Take((p.Seeds + 1) / 2).ToArray();

    /// <summary>The confirmatory seeds: the second half in seed order.</summary>
    public static IReadOnlyList<double> Confirmatory(PooledAccuracy p) => p.SeedAccuracies.Skip((p.Seeds + 1) / 2).ToArray();
}
