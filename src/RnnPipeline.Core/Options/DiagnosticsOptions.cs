using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Options;

/// <summary>Through-time stability diagnostics (definitions in the README, "What is measured").</summary>
public sealed class DiagnosticsOptions
{
    /// <summary>Record stability diagnostics every this many steps (and at step 0 and the last step); 0 disables them.</summary>
    [Range(0, 1_000_000)]
    public int Every { get; set; } = 200;

    /// <summary>Sequences of the batch used as the probe subset.</summary>
    [Range(1, 1024)]
    public int ProbeSequences { get; set; } = 4;

    /// <summary>
    /// Probe sequences whose full Jacobian products ‖J_{T−1}⋯J_{T−k}‖₂ are accumulated for every lag (T·H³ work each;
    /// the realized product and its bound are geometric means over them).
    /// </summary>
    [Range(1, 1024)]
    public int ProductSequences { get; set; } = 1;

    /// <summary>Up to this hidden size ‖J_t‖₂ is computed by exact SVD; above it by batched power iteration.</summary>
    [Range(0, 4096)]
    public int ExactSvdMaxHidden { get; set; } = 64;

    /// <summary>Power-iteration steps for spectral norms of large H.</summary>
    [Range(1, 1000)]
    public int PowerIterations { get; set; } = 20;

    /// <summary>Number k of leading Lyapunov exponents.</summary>
    [Range(1, 64)]
    public int LyapunovExponents { get; set; } = 4;

    /// <summary>Memory horizon threshold ε: smallest lag k with grad_h[T−k]/grad_h[T] &lt; ε.</summary>
    [Range(1e-30, 1.0)]
    public double HorizonEpsilon { get; set; } = 1e-3;

    /// <summary>Lag L beyond which the W_hh gradient counts as "long-range" in the long-lag share.</summary>
    [Range(1, 100_000)]
    public int LongLag { get; set; } = 16;

    /// <summary>
    /// Compute diagnostics in float64 (about 3× the cost). Products are kept at unit scale in either precision, but in
    /// float32 the last-step gradient of a sigmoid network underflows to exactly 0 within ~50 steps, which caps the lag
    /// curve there (ratios below ~1e−38 read as 0).
    /// </summary>
    public bool UseFloat64 { get; set; }
}
