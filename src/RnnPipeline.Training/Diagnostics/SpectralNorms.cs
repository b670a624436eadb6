using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>Spectral norms ‖J‖₂ of per-step Jacobians J = diag(d)·W, exactly or by power iteration without forming J.</summary>
internal static class SpectralNorms
{
    /// <summary>
    /// ‖diag(d)·W‖₂ for every row d of <paramref name="derivatives"/> [N, H]: exact singular values when
    /// <paramref name="exact"/>; otherwise power iteration on J Jᵀ = diag(d)·(W Wᵀ)·diag(d), one batched [N, H]×[H, H]
    /// product per iteration, with the Rayleigh quotient as estimate (a lower bound that converges from below). Returns [N].
    /// </summary>
    public static Tensor OfScaledRows(Tensor derivatives, Tensor w, bool exact, int iterations)
    {
        if (exact) return linalg.svdvals(derivatives.unsqueeze(2) * w.unsqueeze(0)).select(1, 0);
        var gram = w.matmul(w.t());                                                // W Wᵀ, symmetric
        var u = StartVectors(derivatives.shape[0], w.shape[0], derivatives.dtype);
        for (int i = 0; i < iterations; i++)
            u = Normalize((u * derivatives).matmul(gram).mul_(derivatives));       // u ← D G D u
        var jjt = (u * derivatives).matmul(gram).mul_(derivatives);
        return (u * jjt).sum(1).clamp_min(0).sqrt();                               // √(uᵀ J Jᵀ u), ‖u‖ = 1
    }

    /// <summary>Rows scaled to unit L2 norm (zero rows stay zero).</summary>
    public static Tensor Normalize(Tensor rows) => rows.div_(linalg.vector_norm(rows, 2, dims: [-1], keepdim: true).clamp_min(Tiny(rows.dtype)));

    /// <summary>A positive floor that is still a normal number in <paramref name="dtype"/> (1e−300 would be 0 in float32).</summary>
    public static double Tiny(ScalarType dtype) => dtype == ScalarType.Float64 ? 1e-300 : 1e-30;

    /// <summary>Deterministic, generic unit start vectors [N, H] (a golden-ratio fill: no random generator involved).</summary>
    public static Tensor StartVectors(long n, long h, ScalarType dtype) =>
        Normalize((arange(n * h, dtype: float64).reshape(n, h) * 0.6180339887498949).frac_().sub_(0.5).to(dtype));
}
