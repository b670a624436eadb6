using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>
/// The per-step Jacobians J_t = ∂s_t/∂s_{t−1} [P, S, S] of a trace's state map, t = 0..T−1, and what the analyzer
/// computes from them: <see cref="VanillaJacobians"/> (diag(f')·W_hh, never formed) or <see cref="GatedJacobians"/>.
/// </summary>
internal interface IStepJacobians
{
    /// <summary>‖J_t‖₂ [T, P], float64, exact (<see cref="SpectralNorms"/>).</summary>
    Tensor Norms();

    /// <summary>log ‖J_{T−1}⋯J_{T−k}‖₂ and log Π‖J_{T−j}‖₂ [T, P] of the first <paramref name="sequences"/> sequences (<see cref="JacobianProducts.LogNorms(Tensor, Tensor)"/>).</summary>
    (Tensor LogProduct, Tensor LogBound) LogNorms(int sequences);

    /// <summary>The leading <paramref name="count"/> Lyapunov exponents per step (<see cref="JacobianProducts.Lyapunov(Tensor, Tensor, int, int)"/>).</summary>
    double[] Lyapunov(int count, int burnIn);

    /// <summary>
    /// One step of backpropagation from ∂L/∂s_t = <paramref name="g"/> [P, S]: ∂L/∂s_{t−1} = J_tᵀ g, and the gradient
    /// with respect to the recurrent input of step t (the pre-activation W_hh h_{t−1} + …, [P, G·H]), whose outer
    /// product with h_{t−1} is step t's contribution to the W_hh gradient.
    /// </summary>
    (Tensor Previous, Tensor RecurrentInput) Back(long t, Tensor g);
}

/// <summary>The vanilla unit's J_t = diag(f'(a_t))·W_hh from f' [T, P, H] and W_hh [H, H].</summary>
internal sealed class VanillaJacobians(Tensor derivatives, Tensor w) : IStepJacobians
{
    /// <inheritdoc />
    public Tensor Norms()
    {
        long steps = derivatives.shape[0], p = derivatives.shape[1], h = derivatives.shape[2];
        return SpectralNorms.OfScaledRows(derivatives.reshape(steps * p, h), w).reshape(steps, p);
    }

    /// <inheritdoc />
    public (Tensor LogProduct, Tensor LogBound) LogNorms(int sequences) => JacobianProducts.LogNorms(derivatives[.., ..sequences], w);

    /// <inheritdoc />
    public double[] Lyapunov(int count, int burnIn) => JacobianProducts.Lyapunov(derivatives, w, count, burnIn);

    /// <inheritdoc />
    public (Tensor Previous, Tensor RecurrentInput) Back(long t, Tensor g)
    {
        var da = g * derivatives[t];                                                // ∂L/∂a_t = f'(a_t) ⊙ δ_t
        return (da.matmul(w), da);                                                  // ∂L/∂h_{t−1} = J_tᵀ δ_t
    }
}
