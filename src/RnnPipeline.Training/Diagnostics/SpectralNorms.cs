using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>Exact spectral norms ‖J‖₂ of per-step Jacobians J = diag(d)·W and of their products, in float64.</summary>
internal static class SpectralNorms
{
    private const long ChunkElements = 1 << 22;                                     // 32 MB of float64 per batch

    /// <summary>
    /// ‖diag(d)·W‖₂ for every row d of <paramref name="derivatives"/> [N, H], exact: the largest eigenvalue of the
    /// symmetric J Jᵀ = diag(d)·(W Wᵀ)·diag(d) (eigvalsh, several times cheaper than singular values of J). Computed in
    /// float64 whatever the input precision, so the relative error is ~1e−13. Returns float64 [N].
    /// </summary>
    public static Tensor OfScaledRows(Tensor derivatives, Tensor w)
    {
        var d = derivatives.to(float64);
        var w64 = w.to(float64);
        var gram = w64.matmul(w64.t()).unsqueeze(0);                               // W Wᵀ
        long chunk = Math.Max(1, ChunkElements / (gram.shape[1] * gram.shape[1]));     // bounds the [n, H, H] batch
        return cat(d.split(chunk).Select(c => Largest(c.unsqueeze(2) * gram * c.unsqueeze(1))).ToArray(), 0);
    }

    /// <summary>‖M‖₂ of each matrix of the batch [N, H, H] from the largest eigenvalue of MᵀM (exactly 0 for M = 0).</summary>
    public static Tensor OfMatrices(Tensor m) => Largest(m.transpose(1, 2).matmul(m));

    private static Tensor Largest(Tensor symmetric) => linalg.eigvalsh(symmetric).select(1, -1).clamp_min(0).sqrt();
}
