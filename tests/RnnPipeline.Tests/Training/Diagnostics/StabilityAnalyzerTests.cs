using RnnPipeline.Options;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training.Diagnostics;

public sealed class StabilityAnalyzerTests
{
    private static StabilityAnalyzer Analyzer(int lyapunov = 4, double epsilon = 1e-3, int burnIn = 0) =>
        new(new DiagnosticsOptions { LyapunovExponents = lyapunov, HorizonEpsilon = epsilon, LyapunovBurnIn = burnIn, UseFloat64 = true });

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Relu)]
    public void JacobianNorm_EqualsNormOfAutogradJacobian_InRowVectorLayout(Activation activation)
    {
        using var scope = NewDisposeScope();
        var wxh = Traces.Gaussian(3, 1.0, 1);
        var whh = Traces.Gaussian(3, 1.5, 2);
        var b = tensor(new[] { 0.1, -0.2, 0.3 });
        var x = tensor(new[] { 0.5, -1.0, 0.25 }).unsqueeze(0);
        var hPrev = tensor(new[] { 0.3, 0.8, -0.6 }).unsqueeze(0).requires_grad_(true);
        // TorchSharp layout: h_t = f(x W_xhᵀ + h_{t−1} W_hhᵀ + b).
        var a = x.matmul(wxh.t()) + hPrev.matmul(whh.t()) + b;
        var h = Activations.Apply(activation, a);
        var rows = Enumerable.Range(0, 3).Select(i => autograd.grad([h[0, i]], [hPrev], retain_graph: true)[0].squeeze(0)).ToArray();
        var autogradJ = stack(rows);                                           // J[i, j] = ∂h_t[i]/∂h_{t−1}[j]

        var analytic = Activations.Derivative(activation, a.detach()).squeeze(0).unsqueeze(1) * whh;  // diag(f')·W_hh
        TestData.AssertClose(autogradJ, analytic, 1e-12, "diag(f'(a))·W_hh");
        var trace = new RecurrentTrace(activation, whh, a.detach().unsqueeze(0), stack([hPrev.detach(), h.detach()]), zeros(1, 1, 3, dtype: float64), zeros(1, 1, 3, dtype: float64));
        var snapshot = Analyzer().Analyze(0, trace with { LocalGradients = ones(1, 1, 3, dtype: float64), HiddenGradients = ones(1, 1, 3, dtype: float64) })!;
        Assert.Equal(linalg.svdvals(autogradJ)[0].item<double>(), snapshot.Timesteps[0].JacobianNorm, 10);
    }

    [Fact]
    public void ScalarCase_RecordsAbsoluteWTimesDerivative_AndProductOfScalars()
    {
        using var scope = NewDisposeScope();
        var w = tensor(new[,] { { 0.9 } });
        var trace = Traces.Drive(Activation.Tanh, w, Traces.Noise(12, 1, 1, 0.7, seed: 3));
        var snapshot = Analyzer().Analyze(0, trace)!;

        var a = trace.PreActivations.flatten().data<double>().ToArray();
        double[] expected = a.Select(v => Math.Abs(0.9 * (1 - Math.Tanh(v) * Math.Tanh(v)))).ToArray();
        for (int t = 0; t < 12; t++) Assert.Equal(expected[t], snapshot.Timesteps[t].JacobianNorm, 12);
        double product = 1;
        for (int k = 1; k < 12; k++)
        {
            product *= expected[12 - k];
            Assert.Equal(product, snapshot.Lags[k].ProductNorm, 12);
            Assert.Equal(product, snapshot.Lags[k].ProductBound, 12);
            Assert.Equal(product, snapshot.Lags[k].GradRatio, 12);
        }
    }

    [Fact]
    public void ScalarCase_ProductEqualsAutogradDerivativeThroughTime()
    {
        using var scope = NewDisposeScope();
        var drive = Traces.Noise(8, 1, 1, 1.0, seed: 4);
        var h0 = zeros(1, dtype: float64).requires_grad_(true);              // the trace also starts from h = 0
        var h = h0;
        for (int t = 0; t < 8; t++) h = (1.3 * h + drive[t, 0]).sigmoid();
        var dhT = autograd.grad([h.sum()], [h0])[0].item<double>();           // ∂h_7/∂h_{−1}: 8 factors

        var snapshot = Analyzer().Analyze(0, Traces.Drive(Activation.Sigmoid, tensor(new[,] { { 1.3 } }), drive))!;
        double lastFactor = snapshot.Timesteps[0].JacobianNorm;               // J_0 = ∂h_0/∂h_{−1}
        Assert.Equal(Math.Abs(dhT), snapshot.Lags[7].ProductNorm * lastFactor, 12);
    }

    [Theory]
    [InlineData(Activation.Tanh, 2.0)]
    [InlineData(Activation.Sigmoid, 3.0)]
    [InlineData(Activation.Relu, 1.5)]
    public void RandomNets_SatisfyPascanuBounds(Activation activation, double gain)
    {
        using var scope = NewDisposeScope();
        var w = Traces.Gaussian(24, gain, 5);
        var snapshot = Analyzer().Analyze(0, Traces.Drive(activation, w, Traces.Noise(30, 3, 24, 0.5, seed: 6)))!;
        double wNorm = linalg.matrix_norm(w, 2).item<double>();
        Assert.Equal(wNorm, snapshot.Summary.WhhNorm, 10);
        foreach (var t in snapshot.Timesteps)
        {
            Assert.True(t.JacobianNorm <= t.DerivativeMax * wNorm * (1 + 1e-9), $"t={t.Timestep}: ‖J‖ {t.JacobianNorm} > max f'·‖W‖");
            if (activation == Activation.Sigmoid) Assert.True(t.JacobianNorm <= wNorm / 4 * (1 + 1e-9));
        }
        foreach (var lag in snapshot.Lags)
            Assert.True(lag.ProductNorm <= lag.ProductBound * (1 + 1e-9), $"k={lag.Lag}: ‖ΠJ‖ {lag.ProductNorm} > Π‖J‖ {lag.ProductBound}");
    }

    [Fact]
    public void Lyapunov_OfDiagonalLinearMap_EqualsLogOfEntries()
    {
        using var scope = NewDisposeScope();
        var w = diag(tensor(new[] { 0.5, 2.0, 1.5 }));
        // ReLU with positive pre-activations has f' = 1, so every J_t = W. The random start basis aligns with the axes
        // like (1.5/2)^t: after a burn-in of 100 steps the error is ~1e−13.
        var trace = Traces.Drive(Activation.Relu, w, full(200, 1, 3, 1.0, dtype: float64));
        var snapshot = Analyzer(lyapunov: 3, burnIn: 100).Analyze(0, trace)!;
        double[] expected = [Math.Log(2.0), Math.Log(1.5), Math.Log(0.5)];
        Assert.Equal(3, snapshot.Summary.Lyapunov.Length);
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], snapshot.Summary.Lyapunov[i], 10);
    }

    [Fact]
    public void MemoryHorizon_OfScalarHalfDecay_IsTen()
    {
        using var scope = NewDisposeScope();
        // w = 0.5, ReLU with positive drive: the gradient ratio at lag k is 0.5^k; 0.5^9 ≈ 2.0e−3 ≥ 1e−3 > 0.5^10 ≈ 9.8e−4.
        var trace = Traces.Drive(Activation.Relu, tensor(new[,] { { 0.5 } }), full(20, 1, 1, 1.0, dtype: float64));
        var snapshot = Analyzer().Analyze(0, trace)!;
        Assert.Equal(10, snapshot.Summary.MemoryHorizon);
        Assert.Equal(Math.Pow(0.5, 10), snapshot.Lags[10].GradRatio, 12);
    }

    [Fact]
    public void RandomTanhNets_OrderToChaos_LyapunovSignFollowsGain()
    {
        // SCIENCE.md's table (n = 48, input noise 0.5): λ1 ≈ −0.89 at g = 0.5 and ≈ +0.26 at g = 3.
        using var scope = NewDisposeScope();
        double Lambda1(double gain) =>
            Analyzer(lyapunov: 1).Analyze(0, Traces.Drive(Activation.Tanh, Traces.Gaussian(48, gain, 9), Traces.Noise(200, 2, 48, 0.5, seed: 10)))!.Summary.Lyapunov[0];
        double ordered = Lambda1(0.5), chaotic = Lambda1(3.0);
        Assert.InRange(ordered, -1.2, -0.6);
        Assert.InRange(chaotic, 0.1, 0.45);
    }

    [Fact]
    public void DeadReluUnit_InFloat32_GivesZeroProductsAndMinusInfinityExponent()
    {
        using var scope = NewDisposeScope();
        // A single ReLU unit driven negative is dead: f' = 0, so every product from lag 1 on is exactly 0.
        var trace = Traces.Float32(Traces.Drive(Activation.Relu, tensor(new[,] { { 0.9 } }), full(16, 2, 1, -1.0, dtype: float64)));
        var snapshot = new StabilityAnalyzer(new DiagnosticsOptions { UseFloat64 = false, ProductSequences = 2 }).Analyze(0, trace)!;
        Assert.Equal(1.0, snapshot.Timesteps[0].DeadFraction);
        Assert.All(snapshot.Lags.Skip(1), l => Assert.Equal((0.0, 0.0, 0.0), (l.ProductNorm, l.ProductBound, l.GradRatio)));
        Assert.Equal([double.NegativeInfinity], snapshot.Summary.Lyapunov);
        Assert.Equal(1, snapshot.Summary.MemoryHorizon);
    }
}
