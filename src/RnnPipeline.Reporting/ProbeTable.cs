using System.Globalization;
using System.Net;
using System.Text;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting;

/// <summary>
/// The probe results as HTML tables: accuracy per unit and lag (seed median with its 95% interval, solved bold, at
/// chance grey) and the comparisons the procedure separated, with effect sizes, p-values and whether they replicated.
/// </summary>
public static class ProbeTable
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Appends the accuracy table of <paramref name="units"/> to <paramref name="html"/>.</summary>
    public static void Write(StringBuilder html, IReadOnlyList<ProbeUnit> units, double solvedThreshold)
    {
        if (units.Count == 0) return;
        int[] lags = units.SelectMany(u => u.Lags).Select(l => l.Lag).Distinct().Order().ToArray();
        html.Append("<table class=\"probe\"><thead><tr><th>unit</th><th>seeds</th><th>dependents per seed</th>");
        foreach (int lag in lags) html.Append($"<th class=\"n\">k = {lag}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var unit in units)
        {
            var counts = unit.Lags.Select(l => l.Samples / Math.Max(1, l.Seeds)).Distinct().Order().ToArray();
            string dependents = counts.Length == 1 ? counts[0].ToString(C) : $"{counts[0]}–{counts[^1]}";
            html.Append($"<tr><td>{E(unit.Name)}</td><td class=\"n\">{unit.Seeds}</td><td class=\"n\">{dependents}</td>");
            foreach (int lag in lags)
            {
                if (unit.At(lag) is not { } p)
                {
                    html.Append("<td class=\"n\">–</td>");
                    continue;
                }
                var status = p.Status(solvedThreshold);
                string css = status == LagStatus.Solved ? "n solved" : status == LagStatus.AtChance ? "n chance" : "n";
                string seeds = string.Join(", ", p.SeedAccuracies.Select(a => a.ToString("0.00", C)));
                string interval = p.SeedInterval is { } i ? $" <span class=\"ci\">[{i.Low.ToString("0.00", C)}, {i.High.ToString("0.00", C)}]</span>" : "";
                html.Append($"<td class=\"{css}\" title=\"{E($"seeds: {seeds}; {Label(status)}")}\">{p.Median.ToString("0.00", C)}{interval}</td>");
            }
            html.Append("</tr>");
        }
        double chance = units[0].Lags[0].Chance;
        html.Append("</tbody></table><p class=\"note\">Cell: median accuracy over seeds [95% distribution-free interval of the median, from the seeds]. " +
                    $"<b>Bold</b>: solved (interval at or above {solvedThreshold.ToString("0.00", C)}); <span class=\"chance\">grey</span>: not shown above chance (interval reaches chance {chance.ToString("0.000", C)}). " +
                    "Hover a cell for each seed's accuracy.</p>");
    }

    /// <summary>
    /// Appends the one-lag experiment's table: per unit and lag the seeds that learned it (with the 95% Wilson interval
    /// of the share), the median step they learned it at, and the early gradient at the key; the largest lag learned last.
    /// </summary>
    public static void WriteLearning(StringBuilder html, LagFindings learning)
    {
        int[] lags = learning.Units.SelectMany(u => u.Lags).Select(l => l.Lag).Distinct().Order().ToArray();
        html.Append("<table class=\"probe\"><thead><tr><th>unit</th>");
        foreach (int lag in lags) html.Append($"<th class=\"n\">k = {lag}</th>");
        html.Append("<th class=\"n\">largest lag learned</th></tr></thead><tbody>");
        foreach (var (name, unitLags) in learning.Units)
        {
            html.Append($"<tr><td>{E(name)}</td>");
            foreach (int lag in lags)
            {
                if (unitLags.FirstOrDefault(l => l.Lag == lag) is not { } l)
                {
                    html.Append("<td class=\"n\">–</td>");
                    continue;
                }
                var (_, interval) = l.Share;
                string css = 2 * l.Learned > l.Seeds.Count ? "n solved" : l.Learned == 0 ? "n chance" : "n";
                string step = l.MedianLearnedStep is double s ? $" · {s.ToString("F0", C)}" : "";
                string gradient = double.IsFinite(l.EarlyKeyGradient) ? $"<br><span class=\"ci\">10<sup>{l.EarlyKeyGradient.ToString("0.0;−0.0", C)}</sup></span>" : "";
                string seeds = string.Join(", ", l.Seeds.Select(x => $"s{x.Run.Info.Seed} {x.FinalAccuracy.ToString("0.00", C)}{(x.LearnedStep is int at ? $" (step {at})" : "")}"));
                html.Append($"<td class=\"{css}\" title=\"{E(seeds)}\">{l.Learned}/{l.Seeds.Count}{step}<br><span class=\"ci\">[{interval.Low.ToString("0.00", C)}, {interval.High.ToString("0.00", C)}]</span>{gradient}</td>");
            }
            html.Append($"<td class=\"n\">{LagLearning.LargestLearned(unitLags)}</td></tr>");
        }
        html.Append($"</tbody></table><p class=\"note\">Cell: seeds that learned the lag (final accuracy on fresh episodes ≥ {learning.Threshold.ToString("0.00", C)}) / seeds trained on it · " +
                    "the median step at which they first reached it; [95% Wilson interval of the share over seeds]; the gradient reaching the key relative to the dependent " +
                    $"(median over seeds of the first {LagLearning.EarlySteps} steps). <b>Bold</b>: learned by a majority; <span class=\"chance\">grey</span>: by no seed. " +
                    "Largest lag learned: the longest lag below which every lag was learned by a majority. Hover a cell for each seed.</p>");
    }

    /// <summary>Appends the separations of <paramref name="comparisons"/> (and how many comparisons were made) to <paramref name="html"/>.</summary>
    public static void WriteComparisons(StringBuilder html, IReadOnlyList<PairComparison> comparisons)
    {
        if (comparisons.Count == 0) return;
        var separated = comparisons.Where(c => c.Direction != 0).OrderBy(c => c.Verdict).ThenBy(c => c.Winner!.Name).ThenBy(c => c.Loser!.Name).ThenBy(c => c.Lag).ToArray();
        html.Append("<table class=\"probe\"><thead><tr><th>above</th><th>below</th><th class=\"n\">lag</th><th class=\"n\">shift [95%]</th><th class=\"n\">P(above &gt; below)</th>" +
                    "<th class=\"n\">exploratory p (BH)</th><th class=\"n\">confirmatory p (Holm)</th><th>verdict</th></tr></thead><tbody>");
        foreach (var c in separated)
        {
            var (estimate, low, high) = c.Direction > 0 ? c.Shift : (-c.Shift.Estimate, -c.Shift.High, -c.Shift.Low);
            double superiority = c.Direction > 0 ? c.Superiority : 1 - c.Superiority;
            string verdict = c.Verdict switch
            {
                Verdict.Replicated => "<b>replicated</b>",
                Verdict.NotReplicated => "not replicated",
                _ => "unconfirmed",
            };
            html.Append($"<tr><td>{E(c.Winner!.Name)}</td><td>{E(c.Loser!.Name)}</td><td class=\"n\">{c.Lag}</td>" +
                        $"<td class=\"n\">{estimate.ToString("+0.00;−0.00", C)} [{low.ToString("+0.00;−0.00", C)}, {high.ToString("+0.00;−0.00", C)}]</td>" +
                        $"<td class=\"n\">{superiority.ToString("0.00", C)}</td><td class=\"n\">{E(ProbeNarrative.Format(c.ExploratoryAdjusted))}</td>" +
                        $"<td class=\"n\">{(c.ConfirmatoryAdjusted is double q ? E(ProbeNarrative.Format(q)) : "–")}</td><td>{verdict}</td></tr>");
        }
        html.Append($"</tbody></table><p class=\"note\">{separated.Length} of {comparisons.Count} comparisons (unit pairs × lags) separated on the exploratory seeds. " +
                    "Shift: Hodges–Lehmann estimate of the accuracy difference above − below over all seeds, with its exact 95% interval. " +
                    "P(above &gt; below): share of seed pairs in which the first unit scores higher. p-values are adjusted (Benjamini–Hochberg over every comparison; Holm over the confirmations).</p>");
    }

    private static string Label(LagStatus status) => status switch
    {
        LagStatus.Solved => "solved",
        LagStatus.AboveChance => "above chance",
        LagStatus.AtChance => "not shown above chance",
        _ => "too few seeds for an interval",
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
