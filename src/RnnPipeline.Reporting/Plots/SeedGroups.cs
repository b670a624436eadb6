using RnnPipeline.Diagnostics;
using RnnPipeline.Statistics;

namespace RnnPipeline.Reporting.Plots;

/// <summary>
/// Runs that differ only in their seed, as one unit of a plot: one colour, one legend entry, the median over seeds
/// with an interquartile band instead of one line per run.
/// </summary>
/// <param name="Name">The first run's name without its "-s&lt;seed&gt;" part when there are several seeds.</param>
/// <param name="Runs">The runs, in the order given.</param>
public sealed record SeedGroup(string Name, IReadOnlyList<RunRecording> Runs)
{
    /// <summary>
    /// Groups <paramref name="runs"/> by everything but run name, seed and configuration hash (runs trained on one lag
    /// each stay apart by lag), in order of first appearance.
    /// </summary>
    public static IReadOnlyList<SeedGroup> Of(IReadOnlyList<RunRecording> runs) => runs
        .GroupBy(r => (r.Info.Unit, Lag: r.Probes.Select(p => p.Lag).Distinct().Count() == 1 ? r.Probes[0].Lag : 0))
        .Select(g => new SeedGroup(g.First().Info.UnitName(g.Count()), g.ToArray()))
        .ToArray();

    /// <summary>
    /// Per step, the 25th, 50th and 75th percentile over seeds of <paramref name="value"/> (finite values only; steps
    /// where fewer than half the seeds have one are left out).
    /// </summary>
    public IReadOnlyList<(int Step, double Low, double Median, double High)> Quartiles<T>(Func<RunRecording, IEnumerable<T>> rows, Func<T, int> step, Func<T, double> value) =>
        Runs.SelectMany(r => rows(r).Select(x => (Step: step(x), Value: value(x))))
            .Where(x => double.IsFinite(x.Value))
            .GroupBy(x => x.Step)
            .Where(g => 2 * g.Count() >= Runs.Count)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var v = g.Select(x => x.Value).Order().ToArray();
                return (g.Key, Quantile.Of(v, 0.25), Quantile.Of(v, 0.5), Quantile.Of(v, 0.75));
            })
            .ToArray();
}
