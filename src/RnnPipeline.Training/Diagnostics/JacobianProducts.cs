using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>Products of the per-step Jacobians J_t = diag(f'(a_t))·W_hh over a window, per probe sequence.</summary>
internal static class JacobianProducts
{
    private const int Block = 8, MinimumIterations = 1;

    /// <summary>
    /// ‖J_{T−1}⋯J_{T−k}‖₂ for k = 0..T−1 (1 at k = 0) for each sequence of <paramref name="derivatives"/> [T, P, H].
    /// The product M_k = M_{k−1}·J_{T−k} is accumulated explicitly ([P, H, H], T·H³ work per sequence) and kept at unit
    /// scale, its log-scale carried separately, so neither float32 nor float64 underflows on vanishing products. The
    /// norm of each M_k is exact (singular values) when <paramref name="exact"/>, otherwise block power iteration on M_kᵀM_k
    /// warm-started from the previous lag's basis. Returns log ‖M_k‖₂ as [T, P].
    /// </summary>
    public static Tensor LogRealizedNorms(Tensor derivatives, Tensor w, bool exact, int iterations)
    {
        long steps = derivatives.shape[0], p = derivatives.shape[1], h = w.shape[0];
        var logNorms = zeros(steps, p, dtype: float64);
        var logScale = zeros(p, dtype: float64);
        var product = eye(h, dtype: w.dtype).expand(p, h, h).clone();
        long r = Math.Min(Block, h);
        var basis = linalg.qr(SpectralNorms.StartVectors(p * r, h, w.dtype).view(p, r, h).transpose(1, 2)).Q;  // [P, H, r]
        for (long k = 1; k < steps; k++)
        {
            product = product.mul_(derivatives[steps - k].unsqueeze(1)).matmul(w); // M_k = M_{k−1}·diag(f')·W
            Tensor norm;
            if (exact)
            {
                norm = linalg.svdvals(product).select(1, 0);
            }
            else
            {
                // Block power iteration with a Rayleigh–Ritz finish: converges like (σ_{r+1}/σ_1)^i. Consecutive
                // products share all but one factor, so the warm start needs fewer steps as k grows.
                for (int i = 0; i < Math.Max(MinimumIterations, iterations / k); i++)
                    basis = linalg.qr(product.transpose(1, 2).matmul(product.matmul(basis))).Q;
                norm = linalg.svdvals(product.matmul(basis)).select(1, 0);
            }
            var safe = norm.clamp_min(SpectralNorms.Tiny(w.dtype));
            logNorms[k] = safe.to(float64).log() + logScale;
            logScale.add_(safe.to(float64).log());
            product = product.div_(safe.view(p, 1, 1));
        }
        return logNorms;
    }

    /// <summary>
    /// The leading <paramref name="count"/> Lyapunov exponents per step of the product J_{T−1}⋯J_0 by QR
    /// re-orthonormalisation (Q ← qr(J_t Q), λ_i += log|R_ii|, divided by T; Vogt et al. 2020, Engelken et al. 2020),
    /// mean over probe sequences, sorted descending. |R_ii| is floored at the smallest normal-range value the precision
    /// keeps (1e−30 in float32, 1e−300 in float64), so dead directions give a finite, very negative exponent.
    /// </summary>
    public static double[] Lyapunov(Tensor derivatives, Tensor w, int count)
    {
        long steps = derivatives.shape[0], p = derivatives.shape[1], h = w.shape[0];
        var q = eye(h, count, dtype: w.dtype).expand(p, h, count).clone();
        var sum = zeros(p, count, dtype: float64);
        for (long t = 0; t < steps; t++)
        {
            var (qNext, r) = linalg.qr(derivatives[t].unsqueeze(2) * w.matmul(q));  // J_t Q = Q' R
            sum.add_(r.diagonal(0, 1, 2).abs().clamp_min(SpectralNorms.Tiny(w.dtype)).to(float64).log());
            q = qNext;
        }
        return (sum / steps).mean([0]).sort(descending: true).Values.data<double>().ToArray();
    }
}
