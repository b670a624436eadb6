using RnnPipeline.Options;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training.Diagnostics;

/// <summary>
/// The analyzer against an independent float64 recomputation (explicit Jacobians, explicit products, singular values),
/// on float32 traces of the size where an iterative estimator used to fail (H = 128, orthogonal W: clustered singular values),
/// over more lags than one batch of product norms holds (32 lags at H = 128 with 2 sequences).
/// </summary>
public sealed class ExactDiagnosticsTests
{
    private const int Hidden = 128, Steps = 160;

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    public void NormsAndProducts_Float32Trace_MatchFloat64SvdWithinOneInAThousand(Activation activation)
    {
        using var scope = NewDisposeScope();
        var w = linalg.qr(Traces.Gaussian(Hidden, 1.0, 21)).Q * 1.2;                 // orthogonal × gain
        var trace = Traces.Float32(Traces.Drive(activation, w, Traces.Noise(Steps, 2, Hidden, 0.5, seed: 22)));
        var snapshot = new StabilityAnalyzer(new DiagnosticsOptions { ProductSequences = 2 }).Analyze(0, trace)!;

        var d = Activations.Derivative(activation, trace.PreActivations.to(float64));   // [T, P, H]
        var w64 = trace.RecurrentWeight.to(float64);
        var jacobians = d.unsqueeze(3) * w64;                                           // J_t = diag(f')·W, [T, P, H, H]
        var norms = linalg.svdvals(jacobians).select(2, 0);                             // [T, P]
        for (int t = 0; t < Steps; t++)
            AssertRelative(norms[t].mean().item<double>(), snapshot.Timesteps[t].JacobianNorm, $"‖J_{t}‖");

        var product = eye(Hidden, dtype: float64).expand(2, Hidden, Hidden);
        var logBound = zeros(2, dtype: float64);
        for (int k = 1; k < Steps; k++)
        {
            product = product.matmul(jacobians[Steps - k]);
            logBound += norms[Steps - k].log();
            double expected = linalg.svdvals(product).select(1, 0).log().mean().exp().item<double>();
            AssertRelative(expected, snapshot.Lags[k].ProductNorm, $"product at lag {k}");
            AssertRelative(logBound.mean().exp().item<double>(), snapshot.Lags[k].ProductBound, $"bound at lag {k}");
        }
        Assert.All(snapshot.Lags, l => Assert.True(l.ProductNorm <= l.ProductBound, $"k={l.Lag}: product {l.ProductNorm} > bound {l.ProductBound}"));
    }

    [Fact]
    public void Lyapunov_IrnnWithHalfTheUnitsActive_TopExponentsAreZero()
    {
        using var scope = NewDisposeScope();
        // W = I with ReLU: J_t = diag(1 on active units, 0 on dead ones) is diagonal and idempotent, so the product keeps
        // the ~64 active directions at norm 1. Coordinate axes would follow units 1..4, some of them dead.
        var sign = (arange(Hidden, dtype: float64) % 2).mul(2).sub(1);                  // −1, +1, −1, … : half the units dead
        var trace = Traces.Float32(Traces.Drive(Activation.Relu, eye(Hidden, dtype: float64), (sign * 0.5).expand(40, 1, Hidden).clone()));
        var snapshot = new StabilityAnalyzer(new DiagnosticsOptions { LyapunovExponents = 4 }).Analyze(0, trace)!;
        Assert.Equal(4, snapshot.Summary.Lyapunov.Length);
        Assert.All(snapshot.Summary.Lyapunov, l => Assert.True(Math.Abs(l) < 1e-5, $"λ = {l}"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lyapunov_FewerActiveReluUnitsThanExponents_TheRestAreMinusInfinity(bool float32)
    {
        using var scope = NewDisposeScope();
        // 3 of 8 units active at every step (a random orthogonal W mixes them): rank(J_t) = 3, so λ4 and λ5 are −∞.
        // Float32 QR returns R_44 of rounding size (~1e-7 relative) instead of 0; the rank rule must still give −∞.
        var w = linalg.qr(Traces.Gaussian(8, 1.0, 31)).Q;
        var drive = cat([full(60, 1, 3, 2.0, dtype: float64), full(60, 1, 5, -1000.0, dtype: float64)], 2);
        var trace = Traces.Drive(Activation.Relu, w, drive);
        var snapshot = new StabilityAnalyzer(new DiagnosticsOptions { LyapunovExponents = 5, LyapunovBurnIn = 10, UseFloat64 = !float32 })
            .Analyze(0, float32 ? Traces.Float32(trace) : trace)!;
        Assert.All(snapshot.Summary.Lyapunov.Take(3), l => Assert.True(double.IsFinite(l), $"λ = {l}"));
        Assert.All(snapshot.Summary.Lyapunov.Skip(3), l => Assert.Equal(double.NegativeInfinity, l));
    }

    [Fact]
    public void LongLagGradShare_IsTheShareOfPerLagContributionNorms_NotOfTheGradient()
    {
        using var scope = NewDisposeScope();
        const int steps = 30, longLag = 4;
        var trace = Traces.Drive(Activation.Tanh, Traces.Gaussian(6, 1.5, 41), Traces.Noise(steps, 1, 6, 0.5, seed: 42));
        var snapshot = new StabilityAnalyzer(new DiagnosticsOptions { UseFloat64 = true, LongLag = longLag }).Analyze(0, trace)!;

        // Explicit float64: C_k = (f'(a_{T−1−k}) ⊙ δ_{T−1−k}) h_{T−2−k}ᵀ with δ backpropagated from the last step's loss alone.
        var d = Activations.Derivative(Activation.Tanh, trace.PreActivations)[.., 0];   // [T, H]
        var w = trace.RecurrentWeight;
        var delta = trace.LocalGradients[steps - 1, 0];
        double Norm(Tensor t) => t.to(float64).square().sum().sqrt().item<double>();              // Frobenius
        var (gradient, tail) = (zeros(6, 6, dtype: float64), zeros(6, 6, dtype: float64));
        double normsAll = 0, normsTail = 0;
        for (int k = 0; k < steps; k++)
        {
            var da = delta * d[steps - 1 - k];
            var c = da.unsqueeze(1) * trace.Hidden[steps - 1 - k, 0].unsqueeze(0);             // hidden[t] is h_{t−1}
            gradient += c;
            normsAll += Norm(c);
            if (k > longLag) { tail += c; normsTail += Norm(c); }
            delta = da.matmul(w);
        }
        double shareOfNorms = normsTail / normsAll, shareOfGradient = Norm(tail) / Norm(gradient);
        Assert.Equal(shareOfNorms, snapshot.Summary.LongLagGradShare, 10);
        Assert.True(Math.Abs(shareOfGradient - shareOfNorms) > 1e-3, $"the two shares coincide here ({shareOfNorms} vs {shareOfGradient}): the test cannot tell them apart");
    }

    [Fact]
    public void JacobianNorm_Accuracy_IsTheSolversInFloat64_AndTheTracesInFloat32()
    {
        using var scope = NewDisposeScope();
        var trace = Traces.Drive(Activation.Tanh, Traces.Gaussian(32, 1.2, 51), Traces.Noise(20, 2, 32, 0.5, seed: 52));
        var exact = linalg.svdvals(Activations.Derivative(Activation.Tanh, trace.PreActivations).unsqueeze(3) * trace.RecurrentWeight).select(2, 0).mean([1]);
        double Worst(RecurrentTrace t) => new StabilityAnalyzer(new DiagnosticsOptions { UseFloat64 = true }).Analyze(0, t)!.Timesteps
            .Select((s, i) => Math.Abs(s.JacobianNorm / exact[i].item<double>() - 1)).Max();
        Assert.InRange(Worst(trace), 0, 1e-12);                          // the eigen-solve itself: ~1e−13 on a float64 trace
        Assert.InRange(Worst(Traces.Float32(trace)), 1e-9, 1e-6);        // end to end from the float32 trace the trainer records: ~1e−7
    }

    [Fact]
    public void GradRatio_SigmoidInFloat32PastLag60_MatchesFloat64()
    {
        using var scope = NewDisposeScope();
        // Sigmoid shrinks the gradient by ≤ ¼‖W‖ per step: at lag 80 the ratio is far below float32's range.
        var trace = Traces.Drive(Activation.Sigmoid, Traces.Gaussian(16, 1.0, 23), Traces.Noise(90, 2, 16, 1.0, seed: 24));
        var exact = new StabilityAnalyzer(new DiagnosticsOptions { UseFloat64 = true }).Analyze(0, trace)!;
        var single = new StabilityAnalyzer(new DiagnosticsOptions { UseFloat64 = false }).Analyze(0, Traces.Float32(trace))!;
        Assert.True(exact.Lags[80].GradRatio < 1e-40, $"ratio at lag 80 is {exact.Lags[80].GradRatio}");
        for (int k = 60; k < 90; k++)
            Assert.True(Math.Abs(single.Lags[k].GradRatio - exact.Lags[k].GradRatio) <= 1e-3 * exact.Lags[k].GradRatio,
                $"k={k}: float32 {single.Lags[k].GradRatio} vs float64 {exact.Lags[k].GradRatio}");
    }

    private static void AssertRelative(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-3 * Math.Abs(expected), $"{what}: {actual} vs exact {expected}");
}
