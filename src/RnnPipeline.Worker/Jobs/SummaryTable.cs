using System.Globalization;
using RnnPipeline.Diagnostics;

namespace RnnPipeline.Worker.Jobs;

/// <summary>The end-of-suite table printed to the console (one row per run, or for large suites the runs that did not complete).</summary>
internal static class SummaryTable
{
    private const string Row = "{0,-28} {1,-9} {2,6} {3,8} {4,6} {5,5} {6,8} {7,7} {8,8} {9,6}";

    /// <summary>Suites with more runs than this print a line of counts and the rows of the runs that did not complete only.</summary>
    public const int MaxRows = 24;

    public static IEnumerable<string> Format(IReadOnlyList<RunOutcome> outcomes)
    {
        var c = CultureInfo.InvariantCulture;
        var rows = outcomes;
        if (outcomes.Count > MaxRows)
        {
            yield return $"{outcomes.Count} runs: " + string.Join(", ", outcomes.GroupBy(o => o.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")) +
                         "; every run's row is in the report (section Runs)" + (outcomes.All(o => o.State == RunStatus.Completed) ? "" : "; not completed:");
            rows = [.. outcomes.Where(o => o.State != RunStatus.Completed)];
            if (rows.Count == 0) yield break;
        }
        yield return string.Format(c, Row, "run", "state", "steps", "val bpc", "clip%", "NaN", "mean‖J‖", "λ1", "horizon", "solved");
        foreach (var o in rows)
        {
            var s = RunSummary.From(o.Recording, o.Spec.Probe.SolvedThreshold);
            yield return string.Format(c, Row, o.Spec.Name, o.State.ToString().ToLowerInvariant(), s.Steps,
                Number(s.ValidationBitsPerChar, "F3"), (100 * s.ClipRate).ToString("F0", c), s.NonFiniteEvents,
                Number(s.MeanJacobianNorm, "F2"), Number(s.Lyapunov1, "F3"),
                s.MemoryHorizon < 0 ? "–" : s.MemoryHorizon >= s.WindowLength ? $"≥{s.WindowLength}" : s.MemoryHorizon.ToString(c),
                s.MaxSolvedLag?.ToString(c) ?? "–");
        }
    }

    private static string Number(double value, string format) =>
        double.IsNegativeInfinity(value) ? "−∞" : !double.IsFinite(value) ? "–" : value.ToString(Math.Abs(value) >= 1e4 ? "0.0E+0" : format, CultureInfo.InvariantCulture);
}
