namespace RnnPipeline.DataViews.Schemas;

/// <summary>Table "metrics": one row per optimiser step (loss, throughput and the clipping record).</summary>
public sealed class MetricRow : RunColumns
{
    /// <summary>Optimiser step (0-based).</summary>
    public int Step { get; set; }
    /// <summary>Training cross-entropy, nats/char.</summary>
    public double Loss { get; set; }
    /// <summary>Training bits/char.</summary>
    public double BitsPerChar { get; set; }
    /// <summary>Learning rate of the step.</summary>
    public double LearningRate { get; set; }
    /// <summary>Throughput of the step, chars/s.</summary>
    public double CharsPerSecond { get; set; }
    /// <summary>Seconds since the run started.</summary>
    public double ElapsedSeconds { get; set; }
    /// <summary>Global gradient L2 norm before clipping.</summary>
    public double PreClipNorm { get; set; }
    /// <summary>Global gradient L2 norm after clipping.</summary>
    public double PostClipNorm { get; set; }
    /// <summary>Clipping threshold (0 without clipping).</summary>
    public double ClipThreshold { get; set; }
    /// <summary>Whether clipping changed the gradient.</summary>
    public bool Clipped { get; set; }
    /// <summary>PostClipNorm / PreClipNorm.</summary>
    public double ClipScale { get; set; }
}

/// <summary>Table "gradient-flow": ‖∂L/∂h_t‖ per step and timestep (batch mean).</summary>
public sealed class GradientFlowRow : RunColumns
{
    /// <summary>Optimiser step.</summary>
    public int Step { get; set; }
    /// <summary>Timestep t within the window.</summary>
    public int Timestep { get; set; }
    /// <summary>‖∂L/∂h_t‖ from the real backward pass.</summary>
    public double GradNorm { get; set; }
}

/// <summary>Table "evaluations": validation results.</summary>
public sealed class EvaluationRow : RunColumns
{
    /// <summary>Steps trained before the evaluation.</summary>
    public int Step { get; set; }
    /// <summary>Validation cross-entropy, nats/char.</summary>
    public double Loss { get; set; }
    /// <summary>Validation bits/char.</summary>
    public double BitsPerChar { get; set; }
}

/// <summary>Table "non-finite": Inf/NaN events and the recovery action.</summary>
public sealed class NonFiniteRow : RunColumns
{
    /// <summary>Optimiser step.</summary>
    public int Step { get; set; }
    /// <summary>First offending tensor: loss, hidden or grad:&lt;parameter&gt;.</summary>
    public string Tensor { get; set; } = "";
    /// <summary>First offending timestep (hidden states), −1 otherwise.</summary>
    public int Timestep { get; set; }
    /// <summary>Configured policy.</summary>
    public string Policy { get; set; } = "";
    /// <summary>What was done.</summary>
    public string Action { get; set; } = "";
    /// <summary>Learning rate after the action.</summary>
    public double LearningRateAfter { get; set; }
}

/// <summary>Table "stability": one row per logged step.</summary>
public sealed class StabilityRow : RunColumns
{
    /// <summary>Optimiser step.</summary>
    public int Step { get; set; }
    /// <summary>‖W_hh‖₂.</summary>
    public double WhhNorm { get; set; }
    /// <summary>Spectral radius ρ(W_hh).</summary>
    public double SpectralRadius { get; set; }
    /// <summary>γ = sup f'.</summary>
    public double Gamma { get; set; }
    /// <summary>Mean ‖J_t‖₂ over the window.</summary>
    public double MeanJacobianNorm { get; set; }
    /// <summary>Leading Lyapunov exponent λ1 per step (all exponents: table "lyapunov").</summary>
    public double Lyapunov1 { get; set; }
    /// <summary>Memory horizon, steps (the window length when never below ε).</summary>
    public int MemoryHorizon { get; set; }
    /// <summary>Share of the last-step W_hh gradient from lags beyond DiagnosticsOptions.LongLag.</summary>
    public double LongLagGradShare { get; set; }
}

/// <summary>Table "lyapunov": the leading Lyapunov exponents of each logged step, long format.</summary>
public sealed class LyapunovRow : RunColumns
{
    /// <summary>Optimiser step.</summary>
    public int Step { get; set; }
    /// <summary>1 for λ1, 2 for λ2, …</summary>
    public int Index { get; set; }
    /// <summary>Exponent per step (natural log).</summary>
    public double Exponent { get; set; }
}

/// <summary>Table "timesteps": per-timestep stability at logged steps, long format.</summary>
public sealed class TimestepRow : RunColumns
{
    /// <summary>Optimiser step.</summary>
    public int Step { get; set; }
    /// <summary>Timestep t.</summary>
    public int Timestep { get; set; }
    /// <summary>‖J_t‖₂ (mean over probe sequences).</summary>
    public double JacobianNorm { get; set; }
    /// <summary>Mean f'(a_t).</summary>
    public double DerivativeMean { get; set; }
    /// <summary>Max f'(a_t).</summary>
    public double DerivativeMax { get; set; }
    /// <summary>Fraction of units with f' &lt; 0.01.</summary>
    public double SaturatedFraction { get; set; }
    /// <summary>Fraction of dead ReLU units (a ≤ 0).</summary>
    public double DeadFraction { get; set; }
    /// <summary>‖∂L/∂h_t‖ (probe sequences).</summary>
    public double GradNorm { get; set; }
    /// <summary>GradNorm / GradNorm at the last timestep.</summary>
    public double GradRatio { get; set; }
    /// <summary>LSTM only: ‖∂c_t/∂c_{t−1}‖₂ = max forget gate (mean over probe sequences); NaN for the other cells.</summary>
    public double CellPathNorm { get; set; }
}

/// <summary>Table "lags": realized Jacobian product versus its bound, per lag at logged steps, long format.</summary>
public sealed class LagRow : RunColumns
{
    /// <summary>Optimiser step.</summary>
    public int Step { get; set; }
    /// <summary>Lag k.</summary>
    public int Lag { get; set; }
    /// <summary>‖J_{T−1}⋯J_{T−k}‖₂.</summary>
    public double ProductNorm { get; set; }
    /// <summary>Π‖J‖₂ over the same factors.</summary>
    public double ProductBound { get; set; }
    /// <summary>Gradient of the last step's loss reaching step T−1−k, relative to k = 0.</summary>
    public double GradRatio { get; set; }
}

/// <summary>Table "probes": long-range probe accuracy per lag, after training and (with Probe.Every) during it.</summary>
public sealed class ProbeRow : RunColumns
{
    /// <summary>Training steps done when the probe was scored.</summary>
    public int Step { get; set; }
    /// <summary>Dependency lag k.</summary>
    public int Lag { get; set; }
    /// <summary>Training seed.</summary>
    public int ProbeSeed { get; set; }
    /// <summary>Accuracy on the dependent characters (Correct / Samples).</summary>
    public double Accuracy { get; set; }
    /// <summary>Chance level.</summary>
    public double Chance { get; set; }
    /// <summary>Dependent characters evaluated.</summary>
    public int Samples { get; set; }
    /// <summary>Dependent characters predicted correctly.</summary>
    public int Correct { get; set; }
}

/// <summary>Table "runs": one row of metadata per run.</summary>
public sealed class RunRow : RunColumns;
