using RnnPipeline.Diagnostics;
using RnnPipeline.Options;

namespace RnnPipeline.Statistics;

/// <summary>
/// Runs whose settings agree but for the seed (<see cref="RunInfo.UnitHash"/>; for one-lag episode runs also but for the
/// lag), pooled lag by lag: the unit a probe comparison speaks about.
/// </summary>
/// <param name="Name">Name of the first run without its "-s&lt;seed&gt;" part when there are several seeds (and its
/// "-k&lt;lag&gt;" part when its runs trained one lag each).</param>
/// <param name="Info">Identity of the first run.</param>
/// <param name="Runs">The runs, one per seed (one per seed and lag for episode runs), in seed order.</param>
/// <param name="Lags">Pooled accuracy per lag, in lag order.</param>
public sealed record ProbeUnit(string Name, RunInfo Info, IReadOnlyList<RunRecording> Runs, IReadOnlyList<PooledAccuracy> Lags)
{
    /// <summary>Number of seeds: seed accuracies per lag (the most at any lag), which a bootstrap resample keeps even when it draws a seed twice.</summary>
    public int Seeds => Lags.Count == 0 ? Runs.Count : Lags.Max(l => l.Seeds);

    /// <summary>The runs probed at <paramref name="lag"/> alone (for one-lag episode runs: those trained on it), in seed order.</summary>
    public IReadOnlyList<RunRecording> TrainedOn(int lag) => Runs.Where(r => r.FinalProbes is [{ } p] && p.Lag == lag).ToArray();

    /// <summary>Pooled accuracy at <paramref name="lag"/>, or null when the unit was not probed there.</summary>
    public PooledAccuracy? At(int lag) => Lags.FirstOrDefault(l => l.Lag == lag);

    /// <summary>Largest lag solved (<see cref="LagStatus.Solved"/>); 0 when none.</summary>
    public int MaxSolvedLag(double threshold) => Lags.Where(l => l.Status(threshold) == LagStatus.Solved).Select(l => l.Lag).DefaultIfEmpty(0).Max();

    /// <summary>Smallest lag at chance (<see cref="LagStatus.AtChance"/>), or null when no lag is.</summary>
    public int? FirstLagAtChance(double threshold) => Lags.FirstOrDefault(l => l.Status(threshold) == LagStatus.AtChance)?.Lag;

    /// <summary>
    /// The family the literature speaks of: sigmoid, tanh, ReLU, IRNN (ReLU with identity initialisation; Le, Jaitly
    /// &amp; Hinton 2015), LSTM or GRU.
    /// </summary>
    public string Family => Info.Cell switch
    {
        RecurrentCell.Lstm => "LSTM",
        RecurrentCell.Gru => "GRU",
        _ => Info.Activation == Activation.Relu && Info.Init == RecurrentInit.Identity ? "IRNN" : Info.Activation switch
        {
            Activation.Sigmoid => "sigmoid",
            Activation.Tanh => "tanh",
            _ => "ReLU",
        },
    };

    /// <summary>Pools the probed runs of <paramref name="runs"/> into units, in order of first appearance.</summary>
    public static IReadOnlyList<ProbeUnit> Pool(IEnumerable<RunRecording> runs) => runs
        .Where(r => r.Probes.Count > 0)
        .GroupBy(r => (r.Info.Unit, r.Probes[0].Chance))
        .Select(g =>
        {
            var seeds = g.OrderBy(r => r.Info.Seed).ToArray();
            var first = g.First();
            int seedCount = seeds.Select(r => r.Info.Seed).Distinct().Count();
            bool perLag = seeds.Length > seedCount;                            // one run per seed and lag
            string name = first.Info.UnitName(seedCount, perLag ? first.FinalProbes[0].Lag : null);
            var lags = seeds.SelectMany(r => r.FinalProbes).GroupBy(p => p.Lag).OrderBy(l => l.Key).Select(l => PooledAccuracy.From(l.ToArray())).ToArray();
            return new ProbeUnit(name, first.Info, seeds, lags);
        })
        .ToArray();
}
