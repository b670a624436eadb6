using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Options;

/// <summary>Through-time stability diagnostics (definitions in docs/measurements.md).</summary>
public sealed class DiagnosticsOptions
{
    /// <summary>
    /// Record stability diagnostics every this many steps (and at step 0 and the last step); 0 disables them. Unset, the
    /// period is <see cref="DefaultPeriod"/>, which keeps the analysis to a few percent of training time.
    /// </summary>
    [Range(0, 1_000_000)]
    public int? Every { get; set; }

    /// <summary>Sequences of the batch used as the probe subset.</summary>
    [Range(1, 1024)]
    public int ProbeSequences { get; set; } = 4;

    /// <summary>
    /// Probe sequences whose full Jacobian products ‖J_{T−1}⋯J_{T−k}‖₂ are accumulated for every lag (T·H³ work each;
    /// the realized product and its bound Π‖J_t‖₂ are geometric means over them). The bound uses these sequences' own
    /// per-step norms, which equal the logged ‖J_t‖₂ (a mean over all probe sequences) only when both counts are 1.
    /// All spectral norms are exact eigen-solves in float64 (largest eigenvalue of J Jᵀ or MᵀM: ~1e−13 relative on the
    /// numbers they are given; end to end ~1e−7 from the float32 trace the trainer records), and the bound is never
    /// below the product.
    /// </summary>
    [Range(1, 1024)]
    public int ProductSequences { get; set; } = 1;

    /// <summary>
    /// Length L of the analysis sequence on which the lag records (gradient reaching T−k, products and bound), the
    /// memory horizon, the long-lag share and the Lyapunov exponents are measured: <see cref="ProbeSequences"/> stretches
    /// of the validation text at evenly spaced offsets, run through the weights of the logged step after
    /// <see cref="BurnIn"/> steps. A horizon that never falls below ε within L is censored ("≥ L"). 0 measures them on
    /// the training window instead (censored at the window length). Per-timestep records always use the training window.
    /// </summary>
    [Range(0, 100_000)]
    public int AnalysisLength { get; set; } = 512;

    /// <summary>Steps of the analysis sequence run before it starts, so its state no longer remembers h = 0.</summary>
    [Range(0, 100_000)]
    public int BurnIn { get; set; } = 128;

    /// <summary>Number k of leading Lyapunov exponents.</summary>
    [Range(1, 64)]
    public int LyapunovExponents { get; set; } = 4;

    /// <summary>
    /// Steps at the start of the sequence that only align the QR basis of the Lyapunov exponents with the leading
    /// directions (and let the state forget h = 0) before the average starts; at most half the sequence is skipped.
    /// </summary>
    [Range(0, 100_000)]
    public int LyapunovBurnIn { get; set; } = 16;

    /// <summary>Memory horizon threshold ε: smallest lag k with grad_h[T−k]/grad_h[T] &lt; ε.</summary>
    [Range(1e-30, 1.0)]
    public double HorizonEpsilon { get; set; } = 1e-3;

    /// <summary>Lag L beyond which the W_hh gradient counts as "long-range" in the long-lag share.</summary>
    [Range(1, 100_000)]
    public int LongLag { get; set; } = 16;

    /// <summary>
    /// Compute the gradient-vs-lag curve and the Lyapunov exponents in float64 instead of float32 (spectral norms and
    /// products are float64 always). Either precision is underflow-safe: the backpropagated gradient is rescaled to unit
    /// norm at every step with its log-scale carried in float64, so ratios far below 1e−38 stay correct.
    /// </summary>
    public bool UseFloat64 { get; set; }

    /// <summary>The period in force for a model of <paramref name="hidden"/> units trained on batches of <paramref name="batch"/> windows of <paramref name="window"/> steps.</summary>
    public int Period(int hidden, int window, int batch) => Every ?? DefaultPeriod(hidden, window, batch);

    /// <summary>
    /// The period used when <see cref="Every"/> is unset. One analysis is dominated by float64 H×H work, T·P per-step
    /// norms of the window plus L·S lags of products (L = <see cref="AnalysisLength"/>, or T when 0;
    /// S = <see cref="ProductSequences"/>), each about H³, while a training step is about T·B·H². Their ratio,
    /// H·(P + L·S/T)/B, times <see cref="StepsPerWorkRatio"/>, rounded up to a multiple of 100 steps, is the period:
    /// 1,600 / 3,200 / 6,400 steps at H = 64 / 128 / 256 with T = 128, B = 32 and the other options at their defaults.
    /// Below 64 units an analysis costs about what it costs at 64 (per-operation overhead), so H counts as at least 64.
    /// </summary>
    public int DefaultPeriod(int hidden, int window, int batch)
    {
        double lags = (AnalysisLength > 0 ? AnalysisLength : window) * (double)ProductSequences;
        double steps = StepsPerWorkRatio * Math.Max(hidden, 64) * (ProbeSequences + lags / window) / batch;
        return (int)Math.Min(1_000_000, 100 * Math.Ceiling(steps / 100));
    }

    /// <summary>
    /// Training steps per unit of the analysis-to-step work ratio in <see cref="DefaultPeriod"/>. Set from the analysis
    /// cost that <c>make bench</c> measures (docs/performance.md): one analysis then adds about 2% (2.1–2.6% in two
    /// runs) to the training time between two analyses at H = 64–512 on two cores, leaving room below 5% for machines
    /// and runs where the analysis is slower relative to the step.
    /// </summary>
    public const double StepsPerWorkRatio = 100;
}
