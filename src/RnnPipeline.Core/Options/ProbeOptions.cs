using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Options;

/// <summary>Long-range dependency probe evaluation after training (used when the corpus is a generated probe).</summary>
public sealed class ProbeOptions
{
    /// <summary>Accuracy at or above which a lag counts as solved.</summary>
    [Range(0.0, 1.0)]
    public double SolvedThreshold { get; set; } = 0.9;

    /// <summary>Dependent characters evaluated per lag.</summary>
    [Range(1, 1_000_000)]
    public int SamplesPerLag { get; set; } = 200;
}
