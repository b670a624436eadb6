using System.Globalization;
using RnnPipeline.Diagnostics;

namespace RnnPipeline.Reporting;

/// <summary>The report's comparison, written from the measured numbers only: every sentence cites them.</summary>
public static class Narrative
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Runs named one by one in the narrative; beyond this many, clipping and Inf/NaN are summarised per unit.</summary>
    public const int ListedRuns = 12;

    /// <summary>Sentences comparing <paramref name="runs"/> (runs on the same corpus).</summary>
    public static IReadOnlyList<string> Compare(IReadOnlyList<ReportRun> runs)
    {
        var lines = new List<string>();
        var withDiagnostics = runs.Where(r => r.Summary.MemoryHorizon >= 0).OrderByDescending(r => r.Summary.MemoryHorizon).ToArray();
        if (withDiagnostics.Length > 1)
        {
            var best = withDiagnostics[0];
            string others = string.Join(", ", withDiagnostics.Skip(1).Select(r => $"{r.Name} {Horizon(r.Summary)}"));
            int margin = best.Summary.MemoryHorizon - withDiagnostics[1].Summary.MemoryHorizon;
            lines.Add(margin > 0
                ? $"{best.Name} keeps gradient longest: its memory horizon is {Horizon(best.Summary)} steps, {margin} more than the next ({others})."
                : $"Memory horizons tie at the top: {best.Name} {Horizon(best.Summary)}, {others}.");
        }
        var misleading = withDiagnostics.Where(r => r.Summary.MeanJacobianNorm > 1.01 && r.Summary.Lyapunov1 < 0).ToArray();
        if (misleading.Length > 0)
            lines.Add($"Per-step norms mislead in {string.Join(", ", misleading.Select(r => $"{r.Name} (mean ‖J_t‖₂ {F(r.Summary.MeanJacobianNorm, "F2")}, λ1 {F(r.Summary.Lyapunov1, "F3")})"))}: " +
                      "every per-step norm is above 1, yet λ1 < 0 — saturation and rotation make the realized products vanish, which Π‖J_t‖₂ would call explosion.");
        foreach (var r in withDiagnostics.Where(r => r.Summary.Lyapunov1 > 0))
            lines.Add($"{r.Name}: λ1 = {F(r.Summary.Lyapunov1, "F3")} > 0 — Jacobian products grow through time (exploding regime).");
        if (runs.Count > ListedRuns)
        {
            // Many runs (seeds of a few units): one figure per unit instead of a list of run names.
            var byUnit = runs.GroupBy(r => r.Run.Info.UnitName(2)).ToArray();
            string PerUnit(Func<ReportRun, double> value, string format) =>
                string.Join(", ", byUnit.Select(g => $"{g.Key} {format switch { "%" => Percent(Statistics.Quantile.Median(g.Select(value))), _ => F(Statistics.Quantile.Median(g.Select(value)), format) }}"));
            lines.Add($"Clipping fired in {runs.Count(r => r.Summary.ClipRate > 0)} of {runs.Count} runs; median share of steps clipped per unit: {PerUnit(r => r.Summary.ClipRate, "%")}.");
            int faultyRuns = runs.Count(r => r.Summary.NonFiniteEvents > 0);
            lines.Add(faultyRuns == 0 ? "No run produced Inf/NaN." : $"Inf/NaN events in {faultyRuns} of {runs.Count} runs ({runs.Sum(r => r.Summary.NonFiniteEvents)} in all; per run in the table of Inf/NaN events).");
            return lines;
        }
        var clipped = runs.Where(r => r.Summary.ClipRate > 0).OrderByDescending(r => r.Summary.ClipRate).ToArray();
        if (clipped.Length > 0)
            lines.Add($"Clipping fired most in {clipped[0].Name} ({Percent(clipped[0].Summary.ClipRate)} of steps)" +
                      (clipped.Length > 1 ? $"; then {string.Join(", ", clipped.Skip(1).Select(r => $"{r.Name} {Percent(r.Summary.ClipRate)}"))}." : "."));
        var faulty = runs.Where(r => r.Summary.NonFiniteEvents > 0).ToArray();
        lines.Add(faulty.Length == 0
            ? "No run produced Inf/NaN."
            : $"Inf/NaN events: {string.Join(", ", faulty.Select(r => $"{r.Name} {r.Summary.NonFiniteEvents}"))}.");
        var evaluated = runs.Where(r => double.IsFinite(r.Summary.ValidationBitsPerChar)).OrderBy(r => r.Summary.ValidationBitsPerChar).ToArray();
        if (evaluated.Length > 1)
            lines.Add($"Lowest validation loss: {evaluated[0].Name} at {F(evaluated[0].Summary.ValidationBitsPerChar, "F3")} bits/char; highest: {evaluated[^1].Name} at {F(evaluated[^1].Summary.ValidationBitsPerChar, "F3")}.");
        return lines;
    }

    /// <summary>A memory horizon as text ("≥ L" when it never fell below ε within the L analysed steps: censored).</summary>
    public static string Horizon(RunSummary s) => s.MemoryHorizon < 0 ? "–" : s.MemoryHorizon >= s.WindowLength ? $"≥ {s.WindowLength}" : s.MemoryHorizon.ToString(C);

    /// <summary>A fraction as a whole percentage, "12%".</summary>
    public static string Percent(double fraction) => (100 * fraction).ToString("F0", C) + "%";

    /// <summary>A number, "−∞" for negative infinity (e.g. λ1 of a dead ReLU layer), or "–" when NaN.</summary>
    public static string F(double value, string format) =>
        double.IsNegativeInfinity(value) ? "−∞" : !double.IsFinite(value) ? "–" : value.ToString(Math.Abs(value) >= 1e4 ? "0.0E+0" : format, C);
}
