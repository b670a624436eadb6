using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>
/// Products of the per-step Jacobians over a sequence, per probe sequence: J_t = diag(f'(a_t))·W_hh of the vanilla unit
/// (given as f' and W), or explicit Jacobians of a gated cell's state map (<see cref="GatedJacobians"/>).
/// </summary>
internal static class JacobianProducts
{
    /// <summary>
    /// Relative slack per factor added to the bound Π‖J_t‖₂ so that float64 rounding (~1e−13 per exact norm or
    /// product step) can never put the recorded bound below the recorded product.
    /// </summary>
    private const double RoundingSlack = 1e-13;

    /// <summary>
    /// log ‖J_{T−1}⋯J_{T−k}‖₂ and log Π_j ‖J_{T−j}‖₂ (j = 1..k) for k = 0..T−1 (0 at k = 0) for each sequence of
    /// <paramref name="derivatives"/> [T, P, H], both as float64 [T, P] and both from the same factors. The product
    /// M_k = M_{k−1}·J_{T−k} is accumulated explicitly in float64 ([P, H, H], T·H³ work per sequence) and kept at unit
    /// Frobenius norm with its log-scale carried separately, so vanishing products do not underflow; its spectral norm
    /// is exact (<see cref="SpectralNorms.OfMatrices"/>), taken for a batch of lags at a time. An exactly zero product
    /// (e.g. a dead ReLU layer) gives −∞.
    /// </summary>
    public static (Tensor LogProduct, Tensor LogBound) LogNorms(Tensor derivatives, Tensor w)
    {
        long steps = derivatives.shape[0], p = derivatives.shape[1], h = w.shape[0];
        var d = derivatives.to(float64);
        var w64 = w.to(float64);
        var logFactors = SpectralNorms.OfScaledRows(d.reshape(steps * p, h), w64).reshape(steps, p).log();
        var scaled = zeros(p, h, h, dtype: float64);                                       // M_{k−1}·diag(f')
        return LogNorms(logFactors, h, (previous, t, into) =>
        {
            scaled.copy_(previous);
            scaled.mul_(d[t].unsqueeze(1));
            into.view(p * h, h).addmm_(scaled.view(p * h, h), w64, beta: 0);           // M_k = M_{k−1}·diag(f')·W
        });
    }

    /// <summary>
    /// <see cref="LogNorms(Tensor, Tensor)"/> for explicit per-step Jacobians <paramref name="jacobians"/> [T, P, S, S]
    /// (a gated cell's full state map), in float64.
    /// </summary>
    public static (Tensor LogProduct, Tensor LogBound) LogNorms(Tensor jacobians)
    {
        long steps = jacobians.shape[0], p = jacobians.shape[1], s = jacobians.shape[2];
        var j = jacobians.to(float64);
        var logFactors = SpectralNorms.OfMatrices(j.reshape(steps * p, s, s)).reshape(steps, p).log();
        return LogNorms(logFactors, s, (previous, t, into) => into.copy_(previous.matmul(j[t])));  // M_k = M_{k−1}·J_{T−k}
    }

    /// <summary>
    /// The product and bound of <see cref="LogNorms(Tensor, Tensor)"/> from the per-step log-norms
    /// <paramref name="logFactors"/> [T, P] and <paramref name="multiply"/>(M_{k−1}, T−k, into), which writes
    /// M_{k−1}·J_{T−k} [P, S, S] into its last argument.
    /// </summary>
    private static (Tensor LogProduct, Tensor LogBound) LogNorms(Tensor logFactors, long h, Action<Tensor, long, Tensor> multiply)
    {
        long steps = logFactors.shape[0], p = logFactors.shape[1];
        var logBound = cat([zeros(1, p, dtype: float64), With(RoundingSlack, s => logFactors.flip(0)[..(int)(steps - 1)].add(s, One)).cumsum(0)], 0);
        var logProduct = zeros(steps, p, dtype: float64);
        var logScale = zeros(p, dtype: float64);
        long lagsPerBatch = Math.Max(1, SpectralNorms.MatricesPerBatch(h) / p);
        var units = zeros(Math.Min(lagsPerBatch, steps), p, h, h, dtype: float64);    // M_k / ‖M_k‖_F for a batch of lags
        var identity = eye(h, dtype: float64).expand(p, h, h);                         // M_0 = I
        for (long first = 1; first < steps; first += lagsPerBatch)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(lagsPerBatch, steps - first);
            var scales = new Tensor[count];
            for (long i = 0; i < count; i++)
            {
                var unit = units[i];
                var previous = first + i > 1 ? units[(i > 0 ? i : lagsPerBatch) - 1] : identity;   // the previous lag, maybe of the previous batch
                multiply(previous, steps - first - i, unit);
                var frobenius = linalg.matrix_norm(unit);
                logScale = logScale.add(frobenius.log(), One);
                unit.div_(where(frobenius.gt(Zero), frobenius, ones_like(frobenius)).view(p, 1, 1));
                scales[i] = logScale;
            }
            var logNorm = SpectralNorms.OfMatrices(units[..(int)count].view(count * p, h, h)).log().view(count, p);
            logProduct.narrow(0, first, count).copy_(stack(scales, 0).add(logNorm, One));
            logScale = scope.MoveToOuter(logScale);
        }
        return (logProduct, logBound);
    }

    /// <summary>
    /// The leading <paramref name="count"/> Lyapunov exponents per step of the product J_{T−1}⋯J_0 by QR
    /// re-orthonormalisation (Q ← qr(J_t Q), λ_i += log|R_ii|; Vogt et al. 2020, Engelken et al. 2020), mean over probe
    /// sequences, sorted descending. Q starts from a random orthonormal basis (seeded, so deterministic): coordinate
    /// axes would follow single units, which a diagonal J_t never mixes. The first <paramref name="burnIn"/> steps
    /// only align Q with the leading subspace; the average runs over the remaining steps.
    /// <para>
    /// Rank rule: once some analysed J_t has rank r &lt; k, the product has lost every direction beyond r for good and
    /// λ_k = −∞. The rank of J_t = diag(f'(a_t))·W_hh is at most the number of units with f' ≠ 0 (a ReLU's active
    /// units), so λ_k is −∞ for k above the smallest such count over the analysed steps; and an R_ii at or below
    /// <see cref="RankTolerance"/>·H times the largest |R_jj| of its step (rounding, not signal: a float32 QR returns
    /// about 1e-7 relative where the exact value is 0) counts as 0, making its direction's exponent −∞ too.
    /// </para>
    /// </summary>
    public static double[] Lyapunov(Tensor derivatives, Tensor w, int count, int burnIn) =>
        Lyapunov(derivatives.shape[0], derivatives.shape[1], w.shape[0], w.dtype, count, burnIn,
            (t, q) => derivatives[t].unsqueeze(2) * w.matmul(q), t => derivatives[t].ne(Zero).sum([1]));

    /// <summary>
    /// <see cref="Lyapunov(Tensor, Tensor, int, int)"/> for explicit per-step Jacobians <paramref name="jacobians"/>
    /// [T, P, S, S] (a gated cell's full state map), in their precision. Without a structural bound on their rank, only
    /// the tolerance of the rank rule applies.
    /// </summary>
    public static double[] Lyapunov(Tensor jacobians, int count, int burnIn) =>
        Lyapunov(jacobians.shape[0], jacobians.shape[1], jacobians.shape[2], jacobians.dtype, count, burnIn, (t, q) => jacobians[t].matmul(q), null);

    /// <summary>
    /// The QR iteration over <paramref name="steps"/> steps of <paramref name="p"/> sequences: <paramref name="apply"/>(t, Q)
    /// gives J_t Q [P, S, k]; <paramref name="rankBound"/>(t), when given, an upper bound [P] on the rank of J_t.
    /// </summary>
    private static double[] Lyapunov(long steps, long p, long h, ScalarType dtype, int count, int burnIn,
        Func<long, Tensor, Tensor> apply, Func<long, Tensor>? rankBound)
    {
        var start = randn(h, count, dtype: float64, generator: new Generator(StartSeed));
        var q = linalg.qr(start).Q.to(dtype).expand(p, h, count).clone();
        var sum = zeros(p, count, dtype: float64);
        var rank = With(h, s => full(p, s, dtype: int64));                                        // smallest nonzero-f' count so far
        double tolerance = RankTolerance * h;
        for (long t = 0; t < steps; t++)
        {
            var (qNext, r) = linalg.qr(apply(t, q));                                // J_t Q = Q' R
            if (t >= burnIn)
            {
                var diagonal = r.diagonal(0, 1, 2).abs().to(float64);
                var floor = With(tolerance, diagonal.amax([1], keepdim: true).mul);
                sum.add_(diagonal.where(diagonal > floor, 0.0).log(), One);             // log 0 = −∞: a lost direction
                if (rankBound is not null) rank = minimum(rank, rankBound(t));
            }
            q = qNext;
        }
        var exponents = With(steps - burnIn, s => sum.div(s)).sort(1, descending: true).Values;  // per sequence, [P, count]
        var beyondRank = With(count, s => arange(Zero, s, One, dtype: int64)).unsqueeze(0) >= rank.unsqueeze(1);
        exponents = With(double.NegativeInfinity, s => exponents.masked_fill(beyondRank, s));
        return exponents.mean([0]).sort(descending: true).Values.data<double>().ToArray();
    }

    /// <summary>Relative size of an R_ii below which the rank rule treats it as 0, per unit of H: float32's machine epsilon 2^−23.</summary>
    public const double RankTolerance = 1.1920928955078125e-7;

    private const ulong StartSeed = 12345;
}
