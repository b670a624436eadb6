using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Options;

/// <summary>Gradient clipping. Pascanu et al. (2013) suggest a norm threshold of about 0.5–10× the average norm.</summary>
public sealed class ClippingOptions
{
    /// <summary>Clipping mode.</summary>
    public ClipMode Mode { get; set; } = ClipMode.Norm;

    /// <summary>Norm threshold (Norm) or element bound ±c (Value).</summary>
    [Range(1e-9, 1e9)]
    public double Threshold { get; set; } = 5.0;
}
