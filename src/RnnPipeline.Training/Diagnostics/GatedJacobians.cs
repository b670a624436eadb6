using RnnPipeline.Options;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>
/// The per-step Jacobians of a gated cell's full state map s_t = F(s_{t−1}, x_t), column-vector convention
/// (row = component of s_t, column = component of s_{t−1}), from a trace's gate pre-activations and states
/// (equations: <see cref="Model.GatedRecurrence"/>). With u_t = W_hh h_{t−1} + b_hh the recurrent part of the gate
/// pre-activations (G blocks of H), J_t = D_t·W_hh on the h_{t−1} columns plus the direct paths:
/// <list type="bullet">
/// <item>LSTM, s = (h, c): D_t = ∂(h_t, c_t)/∂u_t with ∂c_t/∂u = diag(g⊙σ'(i), c_{t−1}⊙σ'(f), i⊙tanh'(g), 0) per block
/// and ∂h_t/∂u = diag(o⊙tanh'(c_t))·∂c_t/∂u + (0, 0, 0, diag(tanh(c_t)⊙σ'(o))); direct paths ∂c_t/∂c_{t−1} = diag(f)
/// (the cell path) and ∂h_t/∂c_{t−1} = diag(o⊙tanh'(c_t)⊙f).</item>
/// <item>GRU, s = h: D_t = ((1−z)⊙tanh'(n)⊙(W_hn h + b_hn)⊙σ'(r), (h_{t−1} − n)⊙σ'(z), (1−z)⊙tanh'(n)⊙r), each
/// diagonal, and the direct path diag(z).</item>
/// </list>
/// Each block of D_t is diagonal, so it is kept as one coefficient per (state row, block).
/// </summary>
internal sealed class GatedJacobians : IStepJacobians
{
    private readonly Tensor _coefficients;                                         // D_t: [T, P, Q, H, G], Q = S / H

    /// <summary>J_t [T, P, S, S].</summary>
    public Tensor Jacobians { get; }

    /// <summary>The derivative of each gate's nonlinearity (σ' or tanh') [T, P, G·H]: LSTM i, f, g, o; GRU r, z, n.</summary>
    public Tensor GateDerivatives { get; }

    /// <summary>The LSTM's forget gate f_t [T, P, H] (∂c_t/∂c_{t−1} = diag(f_t)); null for the GRU.</summary>
    public Tensor? ForgetGates { get; }

    private GatedJacobians(Tensor coefficients, Tensor jacobians, Tensor gateDerivatives, Tensor? forgetGates) =>
        (_coefficients, Jacobians, GateDerivatives, ForgetGates) = (coefficients, jacobians, gateDerivatives, forgetGates);

    /// <summary>
    /// The Jacobians of <paramref name="cell"/> from the pre-activations <paramref name="pre"/> [T, P, 4H] that
    /// <see cref="Model.GatedRecurrence.Step"/> keeps, the states <paramref name="states"/> s_{−1}..s_{T−1} [T+1, P, S]
    /// and W_hh <paramref name="whh"/> [G·H, H], in the precision of <paramref name="pre"/>.
    /// </summary>
    public static GatedJacobians Of(RecurrentCell cell, Tensor pre, Tensor states, Tensor whh)
    {
        long steps = pre.shape[0], p = pre.shape[1], h = whh.shape[1];
        var a = pre.chunk(4, -1);
        var previous = states[..(int)steps];
        var w = whh.to(pre.dtype).view(-1, h, h);                                  // W_b [G, H, H]
        static Tensor OneMinus(Tensor x) => x.neg().add_(One, One);                // 1 − x, as 1 - x computes it (see OwnedScalars)
        Tensor Sigma(Tensor x) => x * OneMinus(x);                                 // σ' through σ
        if (cell == RecurrentCell.Lstm)
        {
            var (i, f, g, o) = (a[0].sigmoid(), a[1].sigmoid(), a[2].tanh(), a[3].sigmoid());
            var cPrevious = previous.narrow(-1, h, h);
            var c = (f * cPrevious).add(i * g, One);
            var tc = c.tanh();
            var k = o * OneMinus(tc * tc);                                             // ∂h_t/∂c_t
            Tensor[] cellRows = [g * Sigma(i), cPrevious * Sigma(f), i * OneMinus(g * g), zeros_like(o)];
            var coefficients = stack([stack([.. cellRows.Take(3).Select(r => k * r), tc * Sigma(o)], -1), stack(cellRows, -1)], 2);
            var direct = stack([k * f, f], 2).diag_embed();                         // ∂(h_t, c_t)/∂c_{t−1} [T, P, 2, H, H]
            var jacobians = cat([einsum("tpqib,bij->tpqij", coefficients, w), direct], -1).reshape(steps, p, 2 * h, 2 * h);
            return new GatedJacobians(coefficients, jacobians, cat([Sigma(i), Sigma(f), OneMinus(g * g), Sigma(o)], -1), f);
        }
        var (r, z) = (a[0].sigmoid(), a[1].sigmoid());
        var n = a[2].add(r * a[3], One).tanh();
        var dn = OneMinus(z) * OneMinus(n * n);
        var gru = stack([dn * a[3] * Sigma(r), (previous - n) * Sigma(z), dn * r], -1).unsqueeze(2);        // [T, P, 1, H, 3]
        var map = einsum("tpqib,bij->tpqij", gru, w).reshape(steps, p, h, h).add(z.diag_embed(), One);
        return new GatedJacobians(gru, map, cat([Sigma(r), Sigma(z), OneMinus(n * n)], -1), null);
    }

    /// <inheritdoc />
    public Tensor Norms() => SpectralNorms.OfMatrices(Jacobians.to(float64).reshape(-1, Jacobians.shape[2], Jacobians.shape[3]))
        .reshape(Jacobians.shape[0], Jacobians.shape[1]);

    /// <inheritdoc />
    public (Tensor LogProduct, Tensor LogBound) LogNorms(int sequences) => JacobianProducts.LogNorms(Jacobians[.., ..sequences]);

    /// <inheritdoc />
    public double[] Lyapunov(int count, int burnIn) => JacobianProducts.Lyapunov(Jacobians, count, burnIn);

    /// <inheritdoc />
    public (Tensor Previous, Tensor RecurrentInput) Back(long t, Tensor g)
    {
        var coefficients = _coefficients[t];                                       // [P, Q, H, G]
        long p = coefficients.shape[0], q = coefficients.shape[1], h = coefficients.shape[2];
        var du = (coefficients * g.view(p, q, h, 1)).sum([1]).transpose(1, 2).reshape(p, -1);   // D_tᵀ g [P, G·H]
        return (g.unsqueeze(1).matmul(Jacobians[t]).squeeze(1), du);             // J_tᵀ g
    }
}
