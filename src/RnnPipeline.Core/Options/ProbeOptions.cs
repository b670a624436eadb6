using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace RnnPipeline.Options;

/// <summary>
/// Long-range dependency probe evaluation after training (used when the corpus is a generated probe). The model is
/// scored on a freshly generated evaluation text (same generator and options, a seed derived from the run seed) with
/// exactly <see cref="SamplesPerLag"/> dependents per lag.
/// </summary>
public sealed class ProbeOptions
{
    /// <summary>
    /// Accuracy a unit's seed median must reach, with 95% confidence, for a lag to count as solved (see
    /// Statistics.LagStatus). A report setting: not part of the run's configuration hash.
    /// </summary>
    [Range(0.0, 1.0)]
    public double SolvedThreshold { get; set; } = 0.9;

    /// <summary>
    /// Also score the probe every this many steps during training (0: only after the last step), so the report shows
    /// when each lag is learned. Each scoring costs one pass over the evaluation text.
    /// </summary>
    [Range(0, 1_000_000)]
    public int Every { get; set; }

    /// <summary>Dependent characters evaluated per lag (300 give a 95% Wilson half-width of at most ±0.056 per seed).</summary>
    [Range(1, 1_000_000)]
    public int SamplesPerLag { get; set; } = 300;

    /// <summary>
    /// Error rate of the report's comparisons between units: the false-discovery rate of the exploratory screen and the
    /// family-wise error rate of the confirmed verdicts (see ProbeComparison). A report setting: not part of the run's
    /// configuration hash.
    /// </summary>
    [Range(0.0001, 0.5)]
    public double ErrorRate { get; set; } = 0.05;

    /// <summary>
    /// Split each unit's seeds into an exploratory first half and a confirmatory second half, and state as findings
    /// only what the second half replicates. A report setting: not part of the run's configuration hash.
    /// </summary>
    public bool Replicate { get; set; } = true;

    /// <summary>
    /// Seeds per unit at which the report estimates the replication power of its findings (empty: the suite's own
    /// count). A report setting: not part of the run's configuration hash.
    /// </summary>
    public int[] PowerSeeds { get; set; } = [];

    /// <summary>Settings that only change how the report reads the results, not what a run trains or records.</summary>
    internal static readonly string[] ReportOnly = [nameof(SolvedThreshold), nameof(ErrorRate), nameof(Replicate), nameof(PowerSeeds)];

    /// <summary>
    /// The report settings (<see cref="SolvedThreshold"/>, <see cref="ErrorRate"/>, <see cref="Replicate"/>,
    /// <see cref="PowerSeeds"/>), each by name ("Probe." and the property) with its value as JSON. One report reads the
    /// runs of a suite by one set of them: the worker refuses a suite whose runs disagree on one.
    /// </summary>
    public IReadOnlyDictionary<string, string> ReportSettings()
    {
        var node = JsonSerializer.SerializeToNode(this)!.AsObject();
        return ReportOnly.ToDictionary(name => $"Probe.{name}", name => node[name]!.ToJsonString());
    }
}
