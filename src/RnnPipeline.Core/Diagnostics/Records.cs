using RnnPipeline.Options;

namespace RnnPipeline.Diagnostics;

/// <summary>Identity of a run, attached to every row it produces so that runs concatenate.</summary>
/// <param name="RunId">Unique run identifier (suite/run name).</param>
/// <param name="Suite">Suite name.</param>
/// <param name="Activation">Recurrent nonlinearity.</param>
/// <param name="Init">W_hh initialisation.</param>
/// <param name="InitGain">Initialisation gain g.</param>
/// <param name="Seed">Training seed.</param>
/// <param name="ConfigHash">Hash of the run specification (<see cref="RunSpec.ConfigHash"/>).</param>
/// <param name="Corpus">Corpus kind.</param>
/// <param name="Clipping">Clipping mode.</param>
/// <param name="HiddenSize">Hidden units H.</param>
/// <param name="UnitHash">Hash of every setting but the seed (and, for one-lag episode runs, the lag): <see cref="RunSpec.UnitHash"/>.</param>
public sealed record RunInfo(
    string RunId, string Suite, Activation Activation, RecurrentInit Init, double InitGain, int Seed,
    string ConfigHash, CorpusKind Corpus, ClipMode Clipping, int HiddenSize, string UnitHash = "")
{
    /// <summary>Recurrent cell (<see cref="ModelOptions.Cell"/>); for a gated cell <see cref="Activation"/> is not used.</summary>
    public RecurrentCell Cell { get; init; }

    /// <summary>Run identity for a spec inside a suite.</summary>
    public static RunInfo For(string suite, RunSpec spec) => new(
        $"{suite}/{spec.Name}", suite, spec.Model.Activation, spec.Model.Init, spec.Model.InitGain,
        spec.Training.Seed, spec.ConfigHash(), spec.Corpus.Kind, spec.Clipping.Mode, spec.Model.HiddenSize, spec.UnitHash()) { Cell = spec.Model.Cell };

    /// <summary>Whether the run's vanilla unit uses <paramref name="activation"/> (false for every gated cell).</summary>
    public bool IsVanilla(Activation activation) => Cell == RecurrentCell.Rnn && Activation == activation;

    /// <summary>The run's name within its suite (<see cref="RunId"/> without the suite).</summary>
    public string Name => RunId[(RunId.LastIndexOf('/') + 1)..];

    /// <summary>
    /// The identity runs of one unit share (every setting but the seed, and for episode runs the lag, agrees): this one
    /// without run name, seed and configuration hash.
    /// </summary>
    public RunInfo Unit => this with { RunId = "", Seed = 0, ConfigHash = "" };

    /// <summary>
    /// The name of the unit this run belongs to: its name without "-s&lt;seed&gt;" when the unit has <paramref name="seeds"/>
    /// &gt; 1 seeds, and without "-k&lt;lag&gt;" when it was trained on <paramref name="lag"/> alone among several.
    /// </summary>
    public string UnitName(int seeds, int? lag = null)
    {
        string name = seeds > 1 ? Name.Replace($"-s{Seed}", "", StringComparison.Ordinal) : Name;
        return lag is { } k ? name.Replace($"-k{k}", "", StringComparison.Ordinal) : name;
    }
}

/// <summary>Per optimiser step: loss and throughput.</summary>
/// <param name="Step">Optimiser step (0-based).</param>
/// <param name="Loss">Mean cross-entropy per character, nats.</param>
/// <param name="BitsPerChar">Loss / ln 2.</param>
/// <param name="LearningRate">Learning rate used for this step.</param>
/// <param name="CharsPerSecond">Training throughput of this step (characters per wall-clock second).</param>
/// <param name="ElapsedSeconds">Wall-clock seconds since the run started.</param>
public sealed record TrainingMetric(int Step, double Loss, double BitsPerChar, double LearningRate, double CharsPerSecond, double ElapsedSeconds) : IRunRecord;

/// <summary>Per optimiser step: what gradient clipping did.</summary>
/// <param name="Step">Optimiser step.</param>
/// <param name="PreClipNorm">Global L2 norm of all gradients before clipping.</param>
/// <param name="PostClipNorm">Global L2 norm after clipping.</param>
/// <param name="Threshold">Configured threshold (NaN-free; 0 when clipping is off).</param>
/// <param name="Clipped">True when clipping changed the gradient.</param>
/// <param name="Scale">PostClipNorm / PreClipNorm (1 when not clipped).</param>
public sealed record ClipRecord(int Step, double PreClipNorm, double PostClipNorm, double Threshold, bool Clipped, double Scale) : IRunRecord;

/// <summary>An Inf/NaN detection and what the guard did about it.</summary>
/// <param name="Step">Optimiser step.</param>
/// <param name="Tensor">First offending tensor: "loss", "hidden", or a parameter gradient name such as "grad:W_hh".</param>
/// <param name="Timestep">First offending timestep for hidden states; −1 when not applicable.</param>
/// <param name="Policy">Configured policy.</param>
/// <param name="Action">What was done: "halted", "skipped", "shrunk W_hh", "rolled back to step N, lr → x".</param>
/// <param name="LearningRateAfter">Learning rate after the action.</param>
public sealed record NonFiniteEvent(int Step, string Tensor, int Timestep, NonFinitePolicy Policy, string Action, double LearningRateAfter) : IRunRecord;

/// <summary>Per optimiser step: how much gradient reaches each timestep of the training window.</summary>
/// <param name="Step">Optimiser step.</param>
/// <param name="HiddenGradNorms">‖∂L/∂h_t‖ for t = 0..T−1 from the real backward pass, mean over the batch.</param>
public sealed record GradientFlowRecord(int Step, float[] HiddenGradNorms) : IRunRecord;

/// <summary>Validation result.</summary>
/// <param name="Step">Steps trained before validation ran (the index of the step it followed, plus one).</param>
/// <param name="Loss">Mean validation cross-entropy, nats per character.</param>
/// <param name="BitsPerChar">Validation bits per character.</param>
public sealed record EvaluationRecord(int Step, double Loss, double BitsPerChar) : IRunRecord;

/// <summary>
/// Stability of one timestep t of the probe window at a logged step (averaged over probe sequences). For a gated cell
/// the state s_t is (h_t, c_t) (LSTM) or h_t (GRU), J_t = ∂s_t/∂s_{t−1} is the Jacobian of the full state map, and the
/// derivative columns describe the gates' nonlinearities (σ' of each sigmoid gate, tanh' of the candidate) in place of f'.
/// </summary>
/// <param name="Step">Optimiser step.</param>
/// <param name="Timestep">t = 0..T−1 within the window.</param>
/// <param name="JacobianNorm">‖J_t‖₂ with J_t = diag(f'(a_t))·W_hh (gated cells: ∂s_t/∂s_{t−1}), mean over probe sequences.</param>
/// <param name="DerivativeMean">Mean of f'(a_t) over units and probe sequences (gated cells: of every gate unit's derivative).</param>
/// <param name="DerivativeMax">Max of f'(a_t) (gated cells: of the gate derivatives).</param>
/// <param name="SaturatedFraction">Fraction of units with f'(a_t) &lt; 0.01 (gated cells: of gate units).</param>
/// <param name="DeadFraction">Fraction of units with a_t ≤ 0 (ReLU only; 0 otherwise).</param>
/// <param name="GradNorm">‖∂L/∂h_t‖ (gated cells: ‖∂L/∂s_t‖) from the real backward pass (probe sequences).</param>
/// <param name="GradRatio">GradNorm / GradNorm at t = T−1.</param>
public sealed record TimestepStats(
    int Step, int Timestep, double JacobianNorm, double DerivativeMean, double DerivativeMax,
    double SaturatedFraction, double DeadFraction, double GradNorm, double GradRatio)
{
    /// <summary>
    /// The LSTM's cell path alone, ‖∂c_t/∂c_{t−1}‖₂ = max_i f_{t,i} (the forget gate), mean over probe sequences; NaN for
    /// the other cells.
    /// </summary>
    public double CellPathNorm { get; init; } = double.NaN;
}

/// <summary>Realized Jacobian product versus its bound at lag k, at a logged step.</summary>
/// <param name="Step">Optimiser step.</param>
/// <param name="Lag">k = 0..T−1.</param>
/// <param name="ProductNorm">‖∂h_{T−1}/∂h_{T−1−k}‖₂ = ‖J_{T−1}⋯J_{T−k}‖₂ (1 at k = 0), mean over probe sequences.</param>
/// <param name="ProductBound">Π ‖J_j‖₂ over the same factors.</param>
/// <param name="GradRatio">‖∂L/∂h_{T−1−k}‖ / ‖∂L/∂h_{T−1}‖.</param>
public sealed record LagStats(int Step, int Lag, double ProductNorm, double ProductBound, double GradRatio);

/// <summary>Per logged step summary of recurrent stability.</summary>
/// <param name="Step">Optimiser step.</param>
/// <param name="WhhNorm">‖W_hh‖₂.</param>
/// <param name="SpectralRadius">ρ(W_hh) (NaN for a gated cell's non-square [G·H, H] W_hh).</param>
/// <param name="Gamma">Nonlinearity factor γ = sup f' (tanh 1, sigmoid 1/4, ReLU 1; NaN for gated cells, whose J_t is not diag(f')·W_hh).</param>
/// <param name="MeanJacobianNorm">Mean of ‖J_t‖₂ over the window.</param>
/// <param name="Lyapunov">Leading Lyapunov exponents λ1 ≥ λ2 ≥ … per step (QR re-orthonormalisation).</param>
/// <param name="MemoryHorizon">Smallest lag k with grad ratio &lt; ε; T when never below ε.</param>
/// <param name="LongLagGradShare">Σ_{k&gt;L} ‖C_k‖_F / Σ_k ‖C_k‖_F over the per-lag contributions C_k to the last step's W_hh
/// gradient: a share of contribution norms, not of the gradient's norm (the contributions partly cancel in their sum).</param>
public sealed record StabilitySummary(
    int Step, double WhhNorm, double SpectralRadius, double Gamma, double MeanJacobianNorm,
    double[] Lyapunov, int MemoryHorizon, double LongLagGradShare);

/// <summary>All diagnostics of one logged step.</summary>
public sealed record StabilitySnapshot(StabilitySummary Summary, IReadOnlyList<TimestepStats> Timesteps, IReadOnlyList<LagStats> Lags) : IRunRecord
{
    /// <summary>The logged step (<see cref="StabilitySummary.Step"/>).</summary>
    public int Step => Summary.Step;
}

/// <summary>Long-range probe accuracy at one lag: <paramref name="Correct"/> of <paramref name="Samples"/> dependents.</summary>
/// <param name="Lag">Dependency lag k.</param>
/// <param name="Seed">Training seed of the run.</param>
/// <param name="Correct">Dependent characters predicted correctly (candidate-restricted argmax).</param>
/// <param name="Samples">Dependent characters evaluated.</param>
/// <param name="Chance">Chance level (1 / number of keys).</param>
/// <param name="Step">Training steps done when the probe was scored (the last step's count for the final score;
/// smaller ones with <see cref="Options.ProbeOptions.Every"/>).</param>
public sealed record ProbeAccuracy(int Lag, int Seed, int Correct, int Samples, double Chance, int Step = 0) : IRunRecord
{
    /// <summary>Fraction of dependent characters predicted correctly (0 when none was evaluated).</summary>
    public double Accuracy => Samples == 0 ? 0 : (double)Correct / Samples;
}
