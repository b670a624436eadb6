using System.Globalization;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting;

/// <summary>
/// The probe comparison in words, computed from the pooled counts by the stated rules (<see cref="SeparationRule"/>,
/// <see cref="PooledAccuracy.IsSolved"/>, <see cref="PooledAccuracy.IsAtChance"/>): which units separate at which lags,
/// which do not, where each first falls to chance, and whether that agrees with the literature's order.
/// </summary>
public static class ProbeNarrative
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>
    /// Expected memory rank per family (higher reaches further): sigmoid (γ = 1/4) below tanh below ReLU and IRNN —
    /// Bengio, Simard &amp; Frasconi 1994; Pascanu, Mikolov &amp; Bengio 2013; Le, Jaitly &amp; Hinton 2015. ReLU and IRNN share
    /// a rank: the literature orders them above tanh, not against each other.
    /// </summary>
    private static readonly Dictionary<string, int> ExpectedRank = new() { ["sigmoid"] = 0, ["tanh"] = 1, ["ReLU"] = 2, ["IRNN"] = 2 };

    /// <summary>Sentences about the probe accuracies of <paramref name="units"/> under <paramref name="rule"/>.</summary>
    public static IReadOnlyList<string> Compare(IReadOnlyList<ProbeUnit> units, SeparationRule rule, double solvedThreshold)
    {
        if (units.Count == 0) return [];
        var lines = new List<string>();
        var chances = units.SelectMany(u => u.Lags).Select(l => l.Chance).Distinct().ToArray();
        string chance = chances.Length == 1 ? $" ({chances[0].ToString("0.000", C)})" : "";
        lines.Add($"Rule: A beats B at lag k when both have ≥ {rule.MinimumSeeds} seeds there, every seed of A is above every seed of B, " +
                  $"and A's mean accuracy is at least {rule.MinimumGap.ToString("0.00", C)} higher. Solved: mean ≥ {solvedThreshold.ToString("0.00", C)} with the pooled 95% Wilson interval above chance; " +
                  $"at chance: the interval's lower bound ≤ chance{chance}.");
        foreach (var u in units) lines.Add(Reach(u, solvedThreshold));
        foreach (int lag in units.SelectMany(u => u.Lags).Select(l => l.Lag).Distinct().Order())
        {
            var solved = units.Where(u => u.At(lag)?.IsSolved(solvedThreshold) == true).Select(u => u.Name).ToArray();
            var atChance = units.Where(u => u.At(lag)?.IsAtChance == true).Select(u => u.Name).ToArray();
            if (solved.Length > 0 && atChance.Length > 0)
                lines.Add($"Lag {lag}: solved by {string.Join(", ", solved)} while {string.Join(", ", atChance)} {(atChance.Length == 1 ? "is" : "are")} at chance.");
        }
        var apart = new List<string>();
        var together = new List<string>();
        var undecided = new HashSet<ProbeUnit>();
        var verdicts = new Dictionary<(ProbeUnit, ProbeUnit), (int[] FirstWins, int[] SecondWins)>();
        for (int i = 0; i < units.Count; i++)
            for (int j = i + 1; j < units.Count; j++)
            {
                var (a, b) = (units[i], units[j]);
                var common = a.Lags.Where(l => b.At(l.Lag) is not null).Select(l => (A: l, B: b.At(l.Lag)!)).ToArray();
                var outcomes = common.Select(c => (c.A.Lag, Result: rule.Compare(c.A, c.B))).ToArray();
                int[] aWins = outcomes.Where(o => o.Result == Separation.FirstBeatsSecond).Select(o => o.Lag).ToArray();
                int[] bWins = outcomes.Where(o => o.Result == Separation.SecondBeatsFirst).Select(o => o.Lag).ToArray();
                if (common.Length == 0) continue;
                if (outcomes.All(o => o.Result == Separation.TooFewSeeds))
                {
                    undecided.UnionWith(new[] { a, b }.Where(u => u.Lags.Min(l => l.Seeds) < rule.MinimumSeeds));
                    continue;
                }
                verdicts[(a, b)] = (aWins, bWins);
                if (aWins.Length + bWins.Length == 0)
                {
                    var widest = common.MaxBy(c => Math.Abs(c.A.Mean - c.B.Mean));
                    together.Add($"{a.Name} vs {b.Name} (largest mean gap {Math.Abs(widest.A.Mean - widest.B.Mean).ToString("0.00", C)} at lag {widest.A.Lag})");
                }
                else
                {
                    var parts = new List<string>();
                    if (aWins.Length > 0) parts.Add($"{a.Name} beats {b.Name} at {Lags(aWins)}");
                    if (bWins.Length > 0) parts.Add($"{b.Name} beats {a.Name} at {Lags(bWins)}");
                    int[] rest = common.Select(c => c.A.Lag).Except(aWins).Except(bWins).ToArray();
                    apart.Add(string.Join(" and ", parts) + (rest.Length > 0 ? $" (not separated at {Lags(rest)})" : ""));
                }
            }
        lines.AddRange(apart.Select(a => $"Separated by the rule: {a}."));
        if (together.Count > 0) lines.Add("Not separated at any lag: " + string.Join("; ", together) + ".");
        if (undecided.Count > 0)
            lines.Add($"Not compared by the rule, fewer than {rule.MinimumSeeds} seeds: " +
                      string.Join(", ", units.Where(undecided.Contains).Select(u => $"{u.Name} ({u.Seeds})")) + ".");
        string? literature = Literature(units, verdicts);
        if (literature is not null) lines.Add(literature);
        return lines;
    }

    private static string Reach(ProbeUnit u, double solvedThreshold)
    {
        int solved = u.MaxSolvedLag(solvedThreshold);
        var last = u.Lags[^1];
        string chance = u.FirstLagAtChance is int lag
            ? $"first at chance at lag {lag} ({Accuracy(u.At(lag)!)})"
            : $"above chance at every lag tested (lag {last.Lag}: {Accuracy(last)})";
        return $"{u.Name} ({u.Seeds} seed{(u.Seeds == 1 ? "" : "s")}): {(solved > 0 ? $"solves lags up to {solved}" : "solves no lag")}; {chance}.";
    }

    private static string? Literature(IReadOnlyList<ProbeUnit> units, Dictionary<(ProbeUnit, ProbeUnit), (int[] FirstWins, int[] SecondWins)> verdicts)
    {
        var agree = new List<string>();
        var contradict = new List<string>();
        var open = new List<string>();
        foreach (var ((a, b), (aWins, bWins)) in verdicts)
        {
            int rankA = ExpectedRank[a.Family], rankB = ExpectedRank[b.Family];
            if (rankA == rankB) continue;
            var (longer, shorter, longerWins, shorterWins) = rankA > rankB ? (a, b, aWins, bWins) : (b, a, bWins, aWins);
            string pair = $"{longer.Name} over {shorter.Name}";
            if (longerWins.Length > 0 && shorterWins.Length == 0) agree.Add($"{pair} ({Lags(longerWins)})");
            else if (shorterWins.Length > 0 && longerWins.Length == 0) contradict.Add($"{shorter.Name} beats {longer.Name} ({Lags(shorterWins)})");
            else if (longerWins.Length > 0) contradict.Add($"{pair} at {Lags(longerWins)} but the reverse at {Lags(shorterWins)}");
            else open.Add(pair);
        }
        if (agree.Count + contradict.Count + open.Count == 0) return null;
        var parts = new List<string>();
        if (agree.Count > 0) parts.Add("agrees for " + string.Join(", ", agree));
        if (contradict.Count > 0) parts.Add("contradicts it where " + string.Join(", ", contradict));
        if (open.Count > 0) parts.Add("cannot tell (not separated) for " + string.Join(", ", open));
        var failing = units.Where(u => u.FirstLagAtChance is not null).OrderBy(u => u.FirstLagAtChance).ToArray();
        var firsts = failing.Where(u => u.FirstLagAtChance == failing.FirstOrDefault()?.FirstLagAtChance).ToArray();
        bool sigmoidFirst = firsts.Length > 0 && firsts.All(u => u.Family == "sigmoid");
        string first = failing.Length == 0
            ? " No unit falls to chance within the lags tested."
            : $" First to fall to chance: {string.Join(", ", firsts.Select(u => $"{u.Name} ({u.Family})"))} at lag {failing[0].FirstLagAtChance}" +
              (units.All(u => u.Family != "sigmoid") ? "." : sigmoidFirst ? ", as expected." : failing.Any(u => u.Family == "sigmoid") ? ", not sigmoid alone as expected." : "; sigmoid never does.");
        return "The literature expects sigmoid to fail first, then tanh, with ReLU and IRNN reaching furthest (Bengio et al. 1994; Pascanu et al. 2013; Le et al. 2015). " +
               "By the rule the measurement " + string.Join("; ", parts) + "." + first;
    }

    private static string Accuracy(PooledAccuracy p) =>
        $"mean {p.Mean.ToString("0.00", C)}, 95% [{p.Interval.Low.ToString("0.00", C)}, {p.Interval.High.ToString("0.00", C)}]";

    /// <summary>"lag 8", "lags 8, 16", or <paramref name="none"/>.</summary>
    private static string Lags(IReadOnlyList<int> lags, string none = "no lag") =>
        lags.Count == 0 ? none : (lags.Count == 1 ? "lag " : "lags ") + string.Join(", ", lags.Order().Select(l => l.ToString(C)));
}
