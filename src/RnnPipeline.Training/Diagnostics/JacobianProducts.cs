using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>Products of the per-step Jacobians J_t = diag(f'(a_t))·W_hh over a window, per probe sequence.</summary>
internal static class JacobianProducts
{
    /// <summary>
    /// ‖J_{T−1}⋯J_{T−k}‖₂ for k = 0..T−1 (1 at k = 0), for each probe sequence: the product M_k = M_{k−1}·J_{T−k} is
    /// accumulated explicitly ([P, H, H]); its norm is exact (singular values) when <paramref name="exact"/>, otherwise
    /// block power iteration warm-started from the previous lag's basis. Returns [T, P].
    /// </summary>
    public static Tensor RealizedNorms(Tensor derivatives, Tensor w, bool exact, int iterations)
    {
        long steps = derivatives.shape[0], p = derivatives.shape[1], h = w.shape[0];
        var norms = ones(steps, p, dtype: w.dtype);
        var product = eye(h, dtype: w.dtype).expand(p, h, h).clone();
        var basis = SpectralNorms.StartBasis(p, h, w.dtype);
        for (long k = 1; k < steps; k++)
        {
            product = product.mul_(derivatives[steps - k].unsqueeze(1)).matmul(w); // M_k = M_{k−1}·diag(f')·W
            var m = product;
            norms[k] = exact
                ? linalg.svdvals(m).select(1, 0)
                : SpectralNorms.Top(v => m.matmul(v), u => m.transpose(1, 2).matmul(u), ref basis, iterations);
        }
        return norms;
    }

    /// <summary>
    /// The leading <paramref name="count"/> Lyapunov exponents per step of the product J_{T−1}⋯J_0 by QR
    /// re-orthonormalisation (Q ← qr(J_t Q), λ_i += log|R_ii|, divided by T; Vogt et al. 2020, Engelken et al. 2020),
    /// mean over probe sequences, sorted descending. |R_ii| is floored at 1e−300 so dead directions give a finite, very
    /// negative exponent. Returns <paramref name="count"/> values.
    /// </summary>
    public static double[] Lyapunov(Tensor derivatives, Tensor w, int count)
    {
        long steps = derivatives.shape[0], p = derivatives.shape[1], h = w.shape[0];
        var q = eye(h, count, dtype: w.dtype).expand(p, h, count).clone();
        var sum = zeros(p, count, dtype: w.dtype);
        for (long t = 0; t < steps; t++)
        {
            var z = derivatives[t].unsqueeze(2) * w.matmul(q);                        // J_t Q, [P, H, k]
            var (qNext, r) = linalg.qr(z);
            sum.add_(r.diagonal(0, 1, 2).abs().clamp_min(1e-300).log());
            q = qNext;
        }
        return (sum / steps).mean([0]).sort(descending: true).Values.to(float64).data<double>().ToArray();
    }
}
