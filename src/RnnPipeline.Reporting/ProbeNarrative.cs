using System.Globalization;
using RnnPipeline.Options;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting;

/// <summary>
/// The probe comparison in words, from the seeds by the stated procedure (<see cref="ProbeComparison"/>,
/// <see cref="LagStatus"/>): what each unit solves and where it is at chance, which separations replicated on the
/// confirmatory seeds (the findings), which did not, and what the data do not decide.
/// </summary>
public static class ProbeNarrative
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>
    /// Expected memory rank per family (higher reaches further): sigmoid (γ = 1/4) below tanh below ReLU and IRNN —
    /// Bengio, Simard &amp; Frasconi 1994; Pascanu, Mikolov &amp; Bengio 2013; Le, Jaitly &amp; Hinton 2015. ReLU and IRNN share
    /// a rank: the literature orders them above tanh, not against each other. The gated units, whose additive paths were
    /// designed to carry the gradient across long lags (Hochreiter &amp; Schmidhuber 1997; Cho et al. 2014), above all four;
    /// LSTM and GRU share a rank (Chung et al. 2014 found neither consistently ahead).
    /// </summary>
    private static readonly Dictionary<string, int> ExpectedRank = new() { ["sigmoid"] = 0, ["tanh"] = 1, ["ReLU"] = 2, ["IRNN"] = 2, ["LSTM"] = 3, ["GRU"] = 3 };

    /// <summary>Sentences about <paramref name="units"/> and their <paramref name="comparisons"/> (made with <paramref name="options"/>).</summary>
    /// <remarks>Replicated findings in <paramref name="tentative"/> (estimated replication power below 0.8) are marked tentative.</remarks>
    public static IReadOnlyList<string> Compare(IReadOnlyList<ProbeUnit> units, IReadOnlyList<PairComparison> comparisons, ProbeOptions options,
        IReadOnlySet<PairComparison>? tentative = null)
    {
        if (units.Count == 0) return [];
        var (solvedThreshold, errorRate) = (options.SolvedThreshold, options.ErrorRate);
        bool split = ProbeComparison.Splits(units, options.Replicate);
        var lines = new List<string> { Procedure(units, solvedThreshold, errorRate, split) };
        foreach (var u in units) lines.Add(Reach(u, solvedThreshold));
        foreach (int lag in units.SelectMany(u => u.Lags).Select(l => l.Lag).Distinct().Order())
        {
            string[] solved = Named(units, u => u.At(lag)?.Status(solvedThreshold) == LagStatus.Solved);
            string[] atChance = Named(units, u => u.At(lag)?.Status(solvedThreshold) == LagStatus.AtChance);
            if (solved.Length > 0 && atChance.Length > 0)
                lines.Add($"Lag {lag}: solved by {string.Join(", ", solved)} while {string.Join(", ", atChance)} {(atChance.Length == 1 ? "is" : "are")} not shown above chance.");
        }

        var found = comparisons.Where(c => c.Verdict is Verdict.Replicated or Verdict.Unconfirmed).ToArray();
        foreach (var group in found.GroupBy(c => (c.Winner!, c.Loser!)))
        {
            int[] weak = [.. group.Where(c => tentative?.Contains(c) == true).Select(c => c.Lag)];
            string mark = weak.Length == 0 ? "" : $"; tentative at {Lags(weak)} (estimated replication power below 0.8)";
            lines.Add($"{(split ? "Finding (replicated)" : "Separated (not confirmed on other seeds)")}: {group.Key.Item1.Name} above {group.Key.Item2.Name} at {Lags(group.Select(c => c.Lag))} " +
                      $"({Effects(group.ToArray())}{mark}).");
        }
        var unreplicated = comparisons.Where(c => c.Verdict == Verdict.NotReplicated).ToArray();
        if (unreplicated.Length > 0)
            lines.Add("Seen on the exploratory seeds but not replicated on the confirmatory seeds, so not findings: " +
                      string.Join("; ", unreplicated.GroupBy(c => (c.Winner!, c.Loser!)).Select(g => $"{g.Key.Item1.Name} above {g.Key.Item2.Name} at {Lags(g.Select(c => c.Lag))}")) + ".");
        var undecided = comparisons.GroupBy(c => (c.First, c.Second)).Where(g => g.All(c => c.Verdict is Verdict.NotSeparated or Verdict.NotReplicated)).ToArray();
        if (undecided.Length > 0)
            lines.Add("Not decided by these seeds at any lag: " + string.Join("; ", undecided.Select(g =>
            {
                var widest = g.MaxBy(c => Math.Abs(c.Shift.Estimate))!;
                return $"{g.Key.First.Name} vs {g.Key.Second.Name} (largest shift {Signed(widest.Shift.Estimate)} at lag {widest.Lag}, 95% [{Signed(widest.Shift.Low)}, {Signed(widest.Shift.High)}])";
            })) + ".");
        if (Literature(units, found, solvedThreshold) is { } literature) lines.Add(literature);
        return lines;
    }

    private static string Procedure(IReadOnlyList<ProbeUnit> units, double solvedThreshold, double errorRate, bool split)
    {
        var seeds = units.Select(u => u.Seeds).Distinct().Order().ToArray();
        string count = seeds.Length == 1 ? seeds[0].ToString(C) : $"{seeds[0]}–{seeds[^1]}";
        string a = errorRate.ToString("0.###", C);
        string compare = split
            ? $"Each unit's {count} seeds are split in seed order into an exploratory and a confirmatory half. A pair of units is compared at every lag by the exact Wilcoxon–Mann–Whitney test of the exploratory seeds, " +
              $"screened with Benjamini–Hochberg at a false-discovery rate of {a} over all {{pair, lag}}; each separation found is tested again one-sided on the confirmatory seeds, with Holm's correction at a family-wise error rate of {a}. " +
              "Only separations that pass both are findings."
            : $"With {count} seed(s) per unit and no confirmatory half, pairs are compared by the exact Wilcoxon–Mann–Whitney test on all seeds with Holm's correction at {a}; separations are not confirmed on other seeds.";
        return compare + $" A lag is solved when the 95% distribution-free interval of the median over all seeds lies at or above {Narrative.Percent(solvedThreshold)}, above chance when it lies above chance, and not shown above chance when it reaches chance.";
    }

    private static string Reach(ProbeUnit u, double solvedThreshold)
    {
        bool Holds(PooledAccuracy p, LagStatus status) => p.Status(solvedThreshold) == status;
        if (u.Lags.All(l => l.Status(solvedThreshold) == LagStatus.TooFewSeeds))
            return $"{u.Name} ({u.Seeds} seed{(u.Seeds == 1 ? "" : "s")}): too few seeds for a 95% interval of the median (6 or more needed).";
        int solved = u.Lags.Where(l => Holds(l, LagStatus.Solved)).Select(l => l.Lag).DefaultIfEmpty(0).Max();
        var chance = u.Lags.FirstOrDefault(l => Holds(l, LagStatus.AtChance));
        var last = u.Lags[^1];
        return $"{u.Name} ({u.Seeds} seeds): {(solved > 0 ? $"solves lags up to {solved}" : "solves no lag")}; " +
               (chance is not null ? $"not shown above chance from lag {chance.Lag} (median {Accuracy(chance)})" : $"above chance at every lag (lag {last.Lag}: median {Accuracy(last)})") + ".";
    }

    private static string? Literature(IReadOnlyList<ProbeUnit> units, IReadOnlyList<PairComparison> found, double solvedThreshold)
    {
        var agree = new List<string>();
        var contradict = new List<string>();
        foreach (var pair in found.GroupBy(c => (Winner: c.Winner!, Loser: c.Loser!)))
        {
            int rankWinner = ExpectedRank[pair.Key.Winner.Family], rankLoser = ExpectedRank[pair.Key.Loser.Family];
            string claim = $"{pair.Key.Winner.Name} > {pair.Key.Loser.Name} at {Lags(pair.Select(c => c.Lag))}";
            if (rankWinner > rankLoser) agree.Add(claim);
            else if (rankWinner < rankLoser) contradict.Add(claim);
        }
        if (agree.Count + contradict.Count == 0) return null;
        var parts = new List<string>();
        if (agree.Count > 0) parts.Add($"agree with it ({string.Join("; ", agree)})");
        if (contradict.Count > 0) parts.Add($"contradict it ({string.Join("; ", contradict)})");
        string expectation = units.Any(u => u.Info.Cell != RecurrentCell.Rnn)
            ? "The literature expects sigmoid to fail first, then tanh, with ReLU and IRNN reaching further and the gated units (LSTM, GRU) furthest (Bengio et al. 1994; Pascanu et al. 2013; Le et al. 2015; Hochreiter & Schmidhuber 1997; Cho et al. 2014). "
            : "The literature expects sigmoid to fail first, then tanh, with ReLU and IRNN reaching furthest (Bengio et al. 1994; Pascanu et al. 2013; Le et al. 2015). ";
        return expectation + $"The findings {string.Join(" and ", parts)}.";
    }

    private static string[] Named(IReadOnlyList<ProbeUnit> units, Func<ProbeUnit, bool> where) => units.Where(where).Select(u => u.Name).ToArray();

    /// <summary>"shift +0.27 [+0.16, +0.38], confirmatory p 0.0038" for one lag; the range of shifts and the largest p for several (the table has each).</summary>
    private static string Effects(IReadOnlyList<PairComparison> comparisons)
    {
        var shifts = comparisons.Select(c => c.Direction > 0 ? c.Shift : (Estimate: -c.Shift.Estimate, Low: -c.Shift.High, High: -c.Shift.Low)).ToArray();
        double p = comparisons.Max(c => c.ConfirmatoryAdjusted ?? c.ExploratoryAdjusted);
        string which = comparisons[0].ConfirmatoryAdjusted is null ? "p" : "confirmatory p";
        if (comparisons.Count == 1)
            return $"shift {Signed(shifts[0].Estimate)} [{Signed(shifts[0].Low)}, {Signed(shifts[0].High)}], {which} {Format(p)}";
        return $"shifts {Signed(shifts.Min(s => s.Estimate))} to {Signed(shifts.Max(s => s.Estimate))}, {which} ≤ {Format(p)}";
    }

    private static string Accuracy(PooledAccuracy p) =>
        p.SeedInterval is { } i ? $"{p.Median.ToString("0.00", C)}, 95% [{i.Low.ToString("0.00", C)}, {i.High.ToString("0.00", C)}]" : p.Median.ToString("0.00", C);

    private static string Signed(double value) => (value >= 0 ? "+" : "−") + Math.Abs(value).ToString("0.00", C);

    /// <summary>A p-value: 3 significant digits, or "&lt; 0.0001".</summary>
    internal static string Format(double p) => p < 1e-4 ? "< 0.0001" : p.ToString(p < 0.01 ? "0.0000" : "0.000", C);

    /// <summary>"lag 8", "lags 8, 16".</summary>
    internal static string Lags(IEnumerable<int> lags)
    {
        var sorted = lags.Order().ToArray();
        return (sorted.Length == 1 ? "lag " : "lags ") + string.Join(", ", sorted.Select(l => l.ToString(C)));
    }
}
