using System.Globalization;
using System.Net;
using System.Text;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting;

/// <summary>
/// The probe accuracies as an HTML table: one row per unit (runs that differ only in their seed), one column per lag,
/// each cell the mean accuracy over seeds and the 95% Wilson interval of the pooled dependents; solved cells bold, cells
/// at chance grey.
/// </summary>
public static class ProbeTable
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Appends the table of <paramref name="units"/> to <paramref name="html"/>.</summary>
    public static void Write(StringBuilder html, IReadOnlyList<ProbeUnit> units, double solvedThreshold)
    {
        if (units.Count == 0) return;
        int[] lags = units.SelectMany(u => u.Lags).Select(l => l.Lag).Distinct().Order().ToArray();
        html.Append("<table class=\"probe\"><thead><tr><th>unit</th><th>seeds</th><th>dependents per lag</th>");
        foreach (int lag in lags) html.Append($"<th class=\"n\">k = {lag}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var unit in units)
        {
            var counts = unit.Lags.Select(l => l.Samples).Distinct().Order().ToArray();
            string dependents = counts.Length == 1 ? counts[0].ToString(C) : $"{counts[0]}–{counts[^1]}";
            html.Append($"<tr><td>{E(unit.Name)}</td><td class=\"n\">{unit.Seeds}</td><td class=\"n\">{dependents}</td>");
            foreach (int lag in lags)
            {
                if (unit.At(lag) is not { } p)
                {
                    html.Append("<td class=\"n\">–</td>");
                    continue;
                }
                var interval = p.Interval;
                string css = p.IsSolved(solvedThreshold) ? "n solved" : p.IsAtChance ? "n chance" : "n";
                string seeds = string.Join(", ", p.SeedAccuracies.Select(a => a.ToString("0.00", C)));
                html.Append($"<td class=\"{css}\" title=\"seeds: {E(seeds)}; {p.Correct} of {p.Samples} correct\">{p.Mean.ToString("0.00", C)} " +
                            $"<span class=\"ci\">[{interval.Low.ToString("0.00", C)}, {interval.High.ToString("0.00", C)}]</span></td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table><p class=\"note\">Cell: mean accuracy over seeds [95% Wilson interval of the dependents of all seeds pooled; " +
                    "it leaves out the seed-to-seed spread, which the comparison rule handles]. Dependents: evaluated per lag, all seeds. " +
                    $"<b>Bold</b>: solved (mean ≥ {solvedThreshold.ToString("0.00", C)}, interval above chance); <span class=\"chance\">grey</span>: at chance " +
                    $"(interval's lower bound ≤ chance {units[0].Lags[0].Chance.ToString("0.000", C)}). Hover a cell for each seed's accuracy.</p>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
