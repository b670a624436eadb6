using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>
/// Turns a <see cref="RecurrentTrace"/> into the stability records of one logged step (definitions in
/// docs/measurements.md). Probe sequences whose trace holds Inf/NaN are left out (the trainer records the event);
/// when none is left, there is no snapshot.
/// </summary>
internal sealed class StabilityAnalyzer(DiagnosticsOptions options)
{

    /// <summary>Options in force.</summary>
    public DiagnosticsOptions Options { get; } = options;

    /// <summary>
    /// Computes every stability quantity at optimiser step <paramref name="step"/>: per-timestep records (‖J_t‖₂,
    /// ‖∂L/∂h_t‖, derivative factors) from the training window <paramref name="trace"/>; lag records, memory horizon,
    /// long-lag share and Lyapunov exponents from <paramref name="analysis"/> (a longer sequence, see
    /// <see cref="AnalysisSequence"/>) when given and finite, otherwise from the window.
    /// </summary>
    public StabilitySnapshot? Analyze(int step, RecurrentTrace trace, RecurrentTrace? analysis = null)
    {
        using var scope = NewDisposeScope();
        if (Prepare(trace) is not { } window) return null;
        var (a, d, _, _, delta, w, jacobians) = window;
        long steps = a.shape[0];
        var jacobian = jacobians.Norms().mean([1]);
        var gradNorm = linalg.norm(delta, dims: [2]).mean([1]);       // ‖∂L/∂s_t‖
        var dMean = d.mean([1, 2]);
        var dMax = d.amax([1, 2]);
        var saturated = With(0.01, d.lt).to(d.dtype).mean([1, 2]);
        var dead = trace.Cell == RecurrentCell.Rnn && trace.Activation == Activation.Relu ? a.le(Zero).to(d.dtype).mean([1, 2]) : zeros(steps, dtype: d.dtype);
        double[] J = Values(jacobian), G = Values(gradNorm), Dm = Values(dMean), Dx = Values(dMax), S = Values(saturated), X = Values(dead);
        double[]? cellPath = (jacobians as GatedJacobians)?.ForgetGates is { } f ? Values(f.amax([2]).mean([1])) : null;   // ‖diag(f_t)‖₂
        var timesteps = Enumerable.Range(0, (int)steps)
            .Select(t => new TimestepStats(step, t, J[t], Dm[t], Dx[t], S[t], X[t], G[t], Ratio(G[t], G[^1])) { CellPathNorm = cellPath?[t] ?? double.NaN })
            .ToArray();

        var lagTrace = (analysis is null ? null : Prepare(analysis)) ?? window;
        var (hidden, local) = (lagTrace.Hidden, lagTrace.Local);                  // same weights as the window
        jacobians = lagTrace.Jacobians;
        (steps, long p) = (local.shape[0], local.shape[1]);
        var (logGrad, longShare) = LastStepGradient(jacobians, hidden.narrow(-1, 0, w.shape[1]), local);
        int ps = (int)Math.Min(Options.ProductSequences, p);
        // Realized product and bound per sequence from the same exact factors, then geometric means over the sequences
        // (a mean of logs keeps product ≤ bound).
        var (logProduct, logBound) = jacobians.LogNorms(ps);
        double[] realized = Values(logProduct.mean([1]).exp()), bound = Values(logBound.mean([1]).exp());
        var lags = new LagStats[steps];
        for (int k = 0; k < steps; k++)
            lags[k] = new LagStats(step, k, realized[k], bound[k], double.IsFinite(logGrad[0]) ? Math.Exp(logGrad[k] - logGrad[0]) : 0);
        int horizon = Array.FindIndex(lags, l => l.GradRatio < Options.HorizonEpsilon);

        bool gated = trace.Cell != RecurrentCell.Rnn;
        double whhNorm = linalg.norm(w, 2).to(float64).item<double>();
        double radius = gated ? double.NaN : linalg.eigvals(w).abs().max().to(float64).item<double>();
        var lyapunov = jacobians.Lyapunov((int)Math.Min(Options.LyapunovExponents, hidden.shape[2]), (int)Math.Min(Options.LyapunovBurnIn, steps / 2));
        var summary = new StabilitySummary(step, whhNorm, radius, gated ? double.NaN : trace.Activation.Gamma(), J.Average(),
            lyapunov, horizon < 0 ? (int)steps : horizon, longShare);
        return new StabilitySnapshot(summary, timesteps, lags);
    }

    /// <summary>
    /// Backpropagates the last step's loss alone (δ ← J_tᵀδ from ∂L_{T−1}/∂s_{T−1}) and returns log of the mean over
    /// sequences of ‖∂L_{T−1}/∂s_{T−1−k}‖ per lag k, plus the share of its W_hh gradient Σ_k C_k,
    /// C_k = u_{T−1−k} h_{T−2−k}ᵀ with u_t the gradient reaching step t's recurrent pre-activation (vanilla:
    /// f'(a_t) ⊙ δ_t), carried by lags k &gt; LongLag: Σ_{k&gt;L} ‖C_k‖_F / Σ_k ‖C_k‖_F (rank-one, so
    /// ‖C_k‖_F = ‖u‖·‖h‖). δ is rescaled to unit norm at every step and its log-scale carried in float64, and norms are
    /// taken of unit-scale vectors, so float32 neither underflows nor squares tiny components (a sigmoid gradient stays
    /// exact far below 1e−38). A gradient that becomes exactly 0 (dead ReLU) gives −∞.
    /// </summary>
    private (double[] LogNorms, double LongShare) LastStepGradient(IStepJacobians jacobians, Tensor hidden, Tensor local)
    {
        long steps = local.shape[0], p = local.shape[1];
        var logG = zeros(steps, p, dtype: float64);                               // log ‖∂L_{T−1}/∂s_{T−1−k}‖
        var logC = zeros(steps, p, dtype: float64);                               // log ‖C_k‖_F
        var logHidden = LogNorm(hidden[..(int)steps].flip(0));                     // log ‖h_{T−2−k}‖
        var g = local[steps - 1];
        var logScale = zeros(p, dtype: float64);
        for (long k = 0; k < steps; k++)
        {
            var n = LogNorm(g);
            logScale.add_(n, One);
            g = g.div(n.exp().where(n.isfinite(), 1.0).to(g.dtype).unsqueeze(1));  // unit scale (zero stays zero)
            logG[k] = logScale;
            var (previous, input) = jacobians.Back(steps - 1 - k, g);
            logC[k] = logScale.add(LogNorm(input), One).add_(logHidden[k], One);
            g = previous;                                                         // ∂L/∂s_{t−1} = J_tᵀ ∂L/∂s_t
        }
        var c = (logC - logC.amax()).exp().where(logC.isfinite(), 0.0).sum([1]);  // relative scale is all the share needs
        double total = c.sum().item<double>();
        double longPart = Options.LongLag + 1 < steps ? c[(Options.LongLag + 1)..].sum().item<double>() : 0;
        var logMean = With(Math.Log(p), logG.logsumexp(1).sub);
        return (Values(logMean), total > 0 ? longPart / total : 0);
    }

    /// <summary>log ‖x‖₂ over the last dimension in float64, without squaring tiny components (scaled by the max first).</summary>
    private static Tensor LogNorm(Tensor x)
    {
        var scale = x.abs().amax([-1], keepdim: true);
        var unit = x / scale.where(scale.gt(Zero), 1.0);
        return linalg.norm(unit, dims: [-1]).to(float64).log().add_(scale.squeeze(-1).to(float64).log(), One);
    }

    /// <summary>The finite probe sequences of <paramref name="trace"/> in the analysis precision, or null when none is.</summary>
    private Prepared? Prepare(RecurrentTrace trace)
    {
        var dtype = Options.UseFloat64 ? float64 : float32;
        var keep = Finite(trace.PreActivations).logical_and(Finite(trace.HiddenGradients)).logical_and(Finite(trace.LocalGradients)).logical_and(Finite(trace.Hidden));
        if (!keep.any().item<bool>()) return null;
        var index = keep.nonzero().flatten();
        var a = trace.PreActivations.index_select(1, index).to(dtype);          // [T, P, H], gated [T, P, 4H]
        var hidden = trace.Hidden.index_select(1, index).to(dtype);             // [T+1, P, S]
        var w = trace.RecurrentWeight.to(dtype);
        Tensor d;                                                               // f'(a_t), or the gates' derivatives
        IStepJacobians jacobians;
        if (trace.Cell == RecurrentCell.Rnn)
        {
            d = Activations.Derivative(trace.Activation, a);
            jacobians = new VanillaJacobians(d, w);
        }
        else
        {
            var gated = GatedJacobians.Of(trace.Cell, a, hidden, w);
            (d, jacobians) = (gated.GateDerivatives, gated);
        }
        return new Prepared(a, d, hidden,
            trace.LocalGradients.index_select(1, index).to(dtype),
            trace.HiddenGradients.index_select(1, index).to(dtype), w, jacobians);
    }

    private sealed record Prepared(Tensor A, Tensor D, Tensor Hidden, Tensor Local, Tensor Delta, Tensor W, IStepJacobians Jacobians);


    private static Tensor Finite(Tensor t) => t.isfinite().all(2).all(0);                // [P]

    private static double[] Values(Tensor t) => t.to(float64).data<double>().ToArray();

    private static double Ratio(double value, double reference) => reference > 0 ? value / reference : 0;
}
