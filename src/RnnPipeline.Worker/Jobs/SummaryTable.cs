using System.Globalization;
using RnnPipeline.Diagnostics;

namespace RnnPipeline.Worker.Jobs;

/// <summary>The end-of-suite table printed to the console.</summary>
internal static class SummaryTable
{
    private const string Row = "{0,-28} {1,-9} {2,6} {3,8} {4,6} {5,5} {6,8} {7,7} {8,8} {9,6}";

    public static IEnumerable<string> Format(IReadOnlyList<RunOutcome> outcomes)
    {
        var c = CultureInfo.InvariantCulture;
        yield return string.Format(c, Row, "run", "state", "steps", "val bpc", "clip%", "NaN", "mean‖J‖", "λ1", "horizon", "solved");
        foreach (var o in outcomes)
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
