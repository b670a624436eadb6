using System.Runtime.ExceptionServices;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>Exact spectral norms ‖J‖₂ of per-step Jacobians J = diag(d)·W and of their products, in float64.</summary>
internal static class SpectralNorms
{
    private const long ChunkElements = 1 << 20;                                     // 8 MB of float64 per batch

    /// <summary>How many H×H float64 matrices one batch holds (at least 1).</summary>
    public static long MatricesPerBatch(long h) => Math.Max(1, ChunkElements / (h * h));

    /// <summary>
    /// ‖diag(d)·W‖₂ for every row d of <paramref name="derivatives"/> [N, H], exact: the largest eigenvalue of the
    /// symmetric J Jᵀ = diag(d)·(W Wᵀ)·diag(d) (eigvalsh, several times cheaper than singular values of J). Computed in
    /// float64 whatever the input precision: ~1e−13 relative to the exact norm of the numbers given; a float32 trace
    /// (as the trainer records it) carries its own ~1e−7. Returns float64 [N].
    /// </summary>
    public static Tensor OfScaledRows(Tensor derivatives, Tensor w)
    {
        var d = derivatives.to(float64);
        var w64 = w.to(float64);
        var gram = w64.matmul(w64.t()).unsqueeze(0);                               // W Wᵀ
        return cat(d.split(MatricesPerBatch(w.shape[0])).Select(c =>
        {
            using var scope = NewDisposeScope();                                    // one batch of J Jᵀ alive at a time
            return scope.MoveToOuter(Largest(c.unsqueeze(2) * gram * c.unsqueeze(1)));
        }).ToArray(), 0);
    }

    /// <summary>‖M‖₂ of each matrix of the batch [N, H, H] from the largest eigenvalue of MᵀM (exactly 0 for M = 0).</summary>
    public static Tensor OfMatrices(Tensor m) => Largest(m.transpose(1, 2).matmul(m));

    /// <summary>
    /// Square root of the largest eigenvalue of each symmetric matrix of the batch [N, H, H]. LAPACK's symmetric
    /// eigensolver runs slower on two threads than on one at these sizes (its reduction to tridiagonal form is mostly
    /// matrix–vector work), so the batch is split over the intra-op threads and each part is solved on its own
    /// one-thread worker; each matrix's value does not depend on the split. In `make bench`'s analysis profile the
    /// window's ‖J_t‖₂ fell from 744 to 202 ms at H = 128 and from 3,084 to 923 ms at H = 256 with it.
    /// </summary>
    private static Tensor Largest(Tensor symmetric)
    {
        int threads = get_num_threads();
        var parts = symmetric.tensor_split(Math.Min(threads, symmetric.shape[0]));
        var largest = new double[parts.Length][];
        var failures = new Exception?[parts.Length];
        try
        {
            var workers = parts.Select((part, i) => new Thread(() =>
            {
                try
                {
                    set_num_threads(1);                                             // this worker only; it ends here
                    using var values = linalg.eigvalsh(part);                       // made and freed on this thread
                    using var column = values.select(1, -1);
                    using var top = column.contiguous();
                    largest[i] = top.data<double>().ToArray();
                }
                catch (Exception e) { failures[i] = e; }
            })).ToArray();
            foreach (var worker in workers) worker.Start();
            foreach (var worker in workers) worker.Join();
        }
        finally { set_num_threads(threads); }            // the workers also set the process default for threads not yet started
        if (failures.FirstOrDefault(e => e is not null) is { } failure) ExceptionDispatchInfo.Throw(failure);
        return tensor(largest.SelectMany(v => v).ToArray(), dtype: float64).clamp_min(Zero).sqrt();
    }
}
