using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Options;

/// <summary>
/// Long-range dependency probe evaluation after training (used when the corpus is a generated probe). The model is
/// scored on a freshly generated evaluation text (same generator and options, a seed derived from the run seed) with
/// exactly <see cref="SamplesPerLag"/> dependents per lag.
/// </summary>
public sealed class ProbeOptions
{
    /// <summary>Mean accuracy over seeds at or above which a lag counts as solved (the pooled 95% Wilson interval must also lie above chance).</summary>
    [Range(0.0, 1.0)]
    public double SolvedThreshold { get; set; } = 0.9;

    /// <summary>Dependent characters evaluated per lag (300 give a 95% Wilson half-width of at most ±0.056 per seed).</summary>
    [Range(1, 1_000_000)]
    public int SamplesPerLag { get; set; } = 300;

    /// <summary>"A beats B at lag k" needs the mean accuracy of A to exceed that of B by at least this much (and every seed of A above every seed of B).</summary>
    [Range(0.0, 1.0)]
    public double SeparationGap { get; set; } = 0.15;

    /// <summary>Seeds each unit needs at a lag before the report compares it (3 against 3 completely separated: p = 1/20).</summary>
    [Range(1, 1000)]
    public int SeparationSeeds { get; set; } = 3;
}
