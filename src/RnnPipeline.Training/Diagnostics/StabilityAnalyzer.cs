using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>
/// Turns a <see cref="RecurrentTrace"/> into the stability records of one logged step (definitions in the README,
/// "What is measured"). Probe sequences whose trace holds Inf/NaN are left out (the trainer records the event);
/// when none is left, there is no snapshot.
/// </summary>
public sealed class StabilityAnalyzer(DiagnosticsOptions options)
{

    /// <summary>Options in force.</summary>
    public DiagnosticsOptions Options { get; } = options;

    /// <summary>Computes every stability quantity of <paramref name="trace"/> at optimiser step <paramref name="step"/>.</summary>
    public StabilitySnapshot? Analyze(int step, RecurrentTrace trace)
    {
        using var scope = NewDisposeScope();
        var dtype = Options.UseFloat64 ? float64 : float32;
        var keep = Finite(trace.PreActivations).logical_and(Finite(trace.HiddenGradients)).logical_and(Finite(trace.LocalGradients)).logical_and(Finite(trace.Hidden));
        if (!keep.any().item<bool>()) return null;
        var index = keep.nonzero().flatten();
        var w = trace.RecurrentWeight.to(dtype);
        var a = trace.PreActivations.index_select(1, index).to(dtype);          // [T, P, H]
        var hidden = trace.Hidden.index_select(1, index).to(dtype);             // [T+1, P, H]
        var local = trace.LocalGradients.index_select(1, index).to(dtype);
        var delta = trace.HiddenGradients.index_select(1, index).to(dtype);
        long steps = a.shape[0], p = a.shape[1], h = a.shape[2];
        bool exact = h <= Options.ExactSvdMaxHidden;
        var d = Activations.Derivative(trace.Activation, a);                    // f'(a_t)

        var perSequence = SpectralNorms.OfScaledRows(d.reshape(steps * p, h), w, exact, Options.PowerIterations).reshape(steps, p);
        var jacobian = perSequence.mean([1]);
        var gradNorm = linalg.vector_norm(delta, 2, dims: [2]).mean([1]);       // ‖∂L/∂h_t‖
        var dMean = d.mean([1, 2]);
        var dMax = d.amax([1, 2]);
        var saturated = d.lt(0.01).to(dtype).mean([1, 2]);
        var dead = trace.Activation == Activation.Relu ? a.le(0).to(dtype).mean([1, 2]) : zeros(steps, dtype: dtype);
        double[] J = Values(jacobian), G = Values(gradNorm), Dm = Values(dMean), Dx = Values(dMax), S = Values(saturated), X = Values(dead);
        var timesteps = Enumerable.Range(0, (int)steps)
            .Select(t => new TimestepStats(step, t, J[t], Dm[t], Dx[t], S[t], X[t], G[t], Ratio(G[t], G[^1])))
            .ToArray();

        var (lagGrad, longShare) = LastStepGradient(d, hidden, local, w);
        long ps = Math.Min(Options.ProductSequences, p);
        double[] logRealized = Values(JacobianProducts.LogRealizedNorms(d[.., ..(int)ps], w, exact, Options.PowerIterations).mean([1]));
        // The bound over the same sequences: Π_j ‖J_j‖₂ for lags 1..k, geometric mean over sequences (so ≤ holds).
        var logFactors = perSequence[.., ..(int)ps].clamp_min(SpectralNorms.Tiny(dtype)).to(float64).log().mean([1]).flip(0);
        double[] logBound = Values(cat([zeros(1, dtype: float64), logFactors[..^1].cumsum(0)], 0));
        var lags = new LagStats[steps];
        for (int k = 0; k < steps; k++)
            lags[k] = new LagStats(step, k, Math.Exp(logRealized[k]), Math.Exp(logBound[k]), Ratio(lagGrad[k], lagGrad[0]));
        int horizon = Array.FindIndex(lags, l => l.GradRatio < Options.HorizonEpsilon);

        double whhNorm = linalg.matrix_norm(w, 2).to(float64).item<double>();
        double radius = linalg.eigvals(w).abs().max().to(float64).item<double>();
        var lyapunov = JacobianProducts.Lyapunov(d, w, (int)Math.Min(Options.LyapunovExponents, h));
        var summary = new StabilitySummary(step, whhNorm, radius, trace.Activation.Gamma(), J.Average(),
            lyapunov, horizon < 0 ? (int)steps : horizon, longShare);
        return new StabilitySnapshot(summary, timesteps, lags);
    }

    /// <summary>
    /// Backpropagates the last step's loss alone (δ ← Jᵀδ from ∂L_{T−1}/∂h_{T−1}) and returns mean ‖∂L_{T−1}/∂h_{T−1−k}‖
    /// per lag k, plus the share of its W_hh gradient Σ_k C_k, C_k = (f'(a_{T−1−k}) ⊙ δ_{T−1−k}) h_{T−2−k}ᵀ, carried
    /// by lags k &gt; LongLag: Σ_{k&gt;L} ‖C_k‖_F / Σ_k ‖C_k‖_F (rank-one, so ‖C_k‖_F = ‖f'⊙δ‖·‖h‖).
    /// </summary>
    private (double[] Norms, double LongShare) LastStepGradient(Tensor d, Tensor hidden, Tensor local, Tensor w)
    {
        long steps = d.shape[0];
        var g = empty_like(local);                                                // g[k] = ∂L_{T−1}/∂h_{T−1−k}
        var da = empty_like(local);                                               // da[k] = ∂L_{T−1}/∂a_{T−1−k}
        g[0] = local[steps - 1];
        for (long k = 0; k < steps; k++)
        {
            da[k] = g[k] * d[steps - 1 - k];
            if (k + 1 < steps) g[k + 1] = da[k].matmul(w);                        // ∂L/∂h_{t−1} = J_tᵀ ∂L/∂h_t
        }
        var norms = linalg.vector_norm(g, 2, dims: [2]).mean([1]);
        var c = (linalg.vector_norm(da, 2, dims: [2]) * linalg.vector_norm(hidden[..(int)steps].flip(0), 2, dims: [2])).sum([1]).to(float64);
        double total = c.sum().item<double>();
        double longPart = Options.LongLag + 1 < steps ? c[(Options.LongLag + 1)..].sum().item<double>() : 0;
        return (Values(norms), total > 0 ? longPart / total : 0);
    }

    private static Tensor Finite(Tensor t) => t.isfinite().all(2).all(0);                // [P]

    private static double[] Values(Tensor t) => t.to(float64).data<double>().ToArray();

    private static double Ratio(double value, double reference) => reference > 0 ? value / reference : 0;
}
