using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>
/// Largest singular values by block power (subspace) iteration with a Rayleigh–Ritz finish, using only products with
/// the matrices: convergence goes with (σ_{r+1}/σ_1)^iterations instead of (σ_2/σ_1) for a single vector.
/// </summary>
internal static class SpectralNorms
{
    /// <summary>Block size r.</summary>
    public const int Block = 8;

    /// <summary>
    /// σ_1 of each matrix M_n of a batch, given <paramref name="apply"/> (V ↦ M V) and <paramref name="applyT"/>
    /// (U ↦ Mᵀ U) on [N, H, r] blocks, starting from the orthonormal <paramref name="basis"/> [N, H, r], which is
    /// updated in place for warm starts. Returns [N].
    /// </summary>
    public static Tensor Top(Func<Tensor, Tensor> apply, Func<Tensor, Tensor> applyT, ref Tensor basis, int iterations)
    {
        for (int i = 0; i < iterations; i++) basis = linalg.qr(applyT(apply(basis))).Q;
        return linalg.svdvals(apply(basis)).select(-1, 0);
    }

    /// <summary>
    /// ‖diag(d)·W‖₂ for every row d of <paramref name="derivatives"/> [N, H]: exact singular values when
    /// <paramref name="exact"/>, otherwise block power iteration without forming the Jacobians. Returns [N].
    /// </summary>
    public static Tensor OfScaledRows(Tensor derivatives, Tensor w, bool exact, int iterations)
    {
        var d = derivatives.unsqueeze(2);                                          // [N, H, 1]
        if (exact) return linalg.svdvals(d * w.unsqueeze(0)).select(1, 0);
        var wT = w.t();
        var basis = StartBasis(derivatives.shape[0], w.shape[0], derivatives.dtype);
        return Top(v => d * w.matmul(v), u => wT.matmul(d * u), ref basis, iterations);
    }

    /// <summary>Deterministic, generic orthonormal start blocks [N, H, min(r, H)] (no global RNG).</summary>
    public static Tensor StartBasis(long n, long h, ScalarType dtype)
    {
        long r = Math.Min(Block, h);
        // Low-discrepancy (golden-ratio) fill: generic directions without touching any random generator.
        var v = (arange(n * h * r, dtype: float64).reshape(n, h, r) * 0.6180339887498949).frac_().sub_(0.5).to(dtype);
        return linalg.qr(v).Q;
    }
}
