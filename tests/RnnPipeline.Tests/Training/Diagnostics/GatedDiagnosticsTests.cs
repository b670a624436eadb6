using RnnPipeline.Options;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training.Diagnostics;

/// <summary>
/// The diagnostics of gated cells against an independent float64 computation: each step's Jacobian of the full state
/// map by autograd through the cell's equations written out here, then explicit products, singular values,
/// determinants and W_hh gradients. The trace comes from the trainer's own forward and backward pass.
/// </summary>
public sealed class GatedDiagnosticsTests
{
    private const int Vocabulary = 5, Hidden = 3, Steps = 12, Sequences = 2, LongLag = 3;

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void Analyze_GatedTrace_MatchesAutogradJacobiansOfTheStateMap(RecurrentCell cell)
    {
        using var scope = NewDisposeScope();
        using var weights32 = GatedRecurrenceTests.Weights(cell, Vocabulary, Hidden, seed: 9);
        using var weights = weights32.Map(t => t.to(float64) * 2.5);                      // gates well away from ½
        using var grads = weights.ZerosLike();
        var network = new CharRnnNetwork(weights, Activation.Tanh);
        var inputs = TestData.Tokens(Steps, Sequences, Vocabulary, seed: 3);
        var targets = TestData.Tokens(Steps, Sequences, Vocabulary, seed: 4);
        var s0 = randn(Sequences, weights.StateSize, dtype: float64, generator: new Generator(5)) * 0.5;
        var pass = network.Forward(inputs, s0, Sequences);
        var (local, delta) = network.Backward(pass, targets, grads);
        var trace = RecurrentTrace.From(network, pass, local, delta);
        int size = weights.StateSize;
        var snapshot = new StabilityAnalyzer(new DiagnosticsOptions
        {
            UseFloat64 = true, ProductSequences = Sequences, LyapunovExponents = size, LyapunovBurnIn = 0, LongLag = LongLag,
        }).Analyze(0, trace)!;

        // Per step and sequence: J_t [P, S, S] by autograd at the trace's states, and the gates' derivatives.
        var jacobians = new Tensor[Steps];
        var derivatives = new Tensor[Steps];
        for (int t = 0; t < Steps; t++)
        {
            var state = trace.Hidden[t].detach().clone().requires_grad_(true);
            var (next, gates) = Reference(cell, weights, inputs[t], state, weights.Whh);
            derivatives[t] = gates;
            jacobians[t] = stack(Enumerable.Range(0, size)
                .Select(i => autograd.grad([next[.., i].sum()], [state], retain_graph: true)[0]).ToArray(), 1);   // row i: ∂s_t,i/∂s_{t−1}
        }

        for (int t = 0; t < Steps; t++)
        {
            AssertClose(Largest(jacobians[t]).mean().item<double>(), snapshot.Timesteps[t].JacobianNorm, $"‖J_{t}‖₂");
            double cellPath = cell == RecurrentCell.Lstm ? Largest(jacobians[t][.., Hidden.., Hidden..]).mean().item<double>() : double.NaN;
            AssertClose(cellPath, snapshot.Timesteps[t].CellPathNorm, $"‖∂c_{t}/∂c_{t - 1}‖₂");
            AssertClose(derivatives[t].lt(0.01).to(float64).mean().item<double>(), snapshot.Timesteps[t].SaturatedFraction, $"gate saturation at {t}");
            // The trainer's δ is the state-view gradient: δ_{t−1} = J_tᵀ δ_t + ∂L_{t−1}/∂s_{t−1} (through the head).
            if (t > 0)
                TestData.AssertClose(trace.HiddenGradients[t].unsqueeze(1).matmul(jacobians[t]).squeeze(1) + trace.LocalGradients[t - 1],
                    trace.HiddenGradients[t - 1], 1e-12, $"δ_{t - 1}");
        }

        // Lags: products, bounds, the last step's gradient k steps back and each lag's W_hh contribution.
        var product = eye(size, dtype: float64).expand(Sequences, size, size);
        var logBound = zeros(Sequences, dtype: float64);
        var g = trace.LocalGradients[Steps - 1];                                            // ∂L_{T−1}/∂s_{T−1}
        var contributions = new double[Steps];
        double reference = g.norm(1).mean().item<double>();
        for (int k = 0; k < Steps; k++)
        {
            int t = Steps - 1 - k;
            if (k > 0)
            {
                product = product.matmul(jacobians[t + 1]);
                logBound += Largest(jacobians[t + 1]).log();
                AssertClose(Largest(product).log().mean().exp().item<double>(), snapshot.Lags[k].ProductNorm, $"product at lag {k}");
                AssertClose(logBound.mean().exp().item<double>(), snapshot.Lags[k].ProductBound, $"bound at lag {k}");
                g = g.unsqueeze(1).matmul(jacobians[t + 1]).squeeze(1);                    // ∂L_{T−1}/∂s_t
            }
            AssertClose(g.norm(1).mean().item<double>() / reference, snapshot.Lags[k].GradRatio, $"gradient ratio at lag {k}");
            for (int p = 0; p < Sequences; p++)
            {
                var whh = weights.Whh.detach().clone().requires_grad_(true);
                var (next, _) = Reference(cell, weights, inputs[t], trace.Hidden[t], whh);
                contributions[k] += autograd.grad([(next[p] * g[p]).sum()], [whh])[0].norm().item<double>();   // ‖C_k‖_F
            }
        }
        AssertClose(contributions.Skip(LongLag + 1).Sum() / contributions.Sum(), snapshot.Summary.LongLagGradShare, "long-lag share");

        // Σ λ_i over all S exponents is the mean log |det J_t| (QR: Π R_ii = |det|).
        double logDet = stack(jacobians).det().abs().log().mean().item<double>();
        Assert.Equal(size, snapshot.Summary.Lyapunov.Length);
        AssertClose(logDet, snapshot.Summary.Lyapunov.Sum(), "Σ λ_i");
        Assert.True(double.IsNaN(snapshot.Summary.SpectralRadius) && double.IsNaN(snapshot.Summary.Gamma));
    }

    /// <summary>
    /// One step of the cell, written out from PyTorch's documented equations (torch.nn.LSTM / torch.nn.GRU) with one-hot
    /// input <paramref name="tokens"/> [P]: the next state [P, S] and the derivatives of every gate's nonlinearity [P, G·H].
    /// </summary>
    private static (Tensor Next, Tensor GateDerivatives) Reference(RecurrentCell cell, CharRnnWeights w, Tensor tokens, Tensor state, Tensor whh)
    {
        var x = nn.functional.one_hot(tokens, Vocabulary).to(float64);
        var h = state[.., ..Hidden];
        var wi = w.Wxh.chunk(cell == RecurrentCell.Lstm ? 4 : 3, 0);
        var wh = whh.chunk(wi.Length, 0);
        var bi = w.Bh.chunk(wi.Length, 0);
        var bh = w.Bhh!.chunk(wi.Length, 0);
        Tensor In(int b) => x.matmul(wi[b].t()) + bi[b];
        Tensor Rec(int b) => h.matmul(wh[b].t()) + bh[b];
        if (cell == RecurrentCell.Lstm)
        {
            var c = state[.., Hidden..];
            var i = (In(0) + Rec(0)).sigmoid();
            var f = (In(1) + Rec(1)).sigmoid();
            var gate = (In(2) + Rec(2)).tanh();
            var o = (In(3) + Rec(3)).sigmoid();
            var cNext = f * c + i * gate;
            var hNext = o * cNext.tanh();
            return (cat([hNext, cNext], 1), cat([i * (1 - i), f * (1 - f), 1 - gate * gate, o * (1 - o)], 1).detach());
        }
        var r = (In(0) + Rec(0)).sigmoid();
        var z = (In(1) + Rec(1)).sigmoid();
        var n = (In(2) + r * Rec(2)).tanh();
        return ((1 - z) * n + z * h, cat([r * (1 - r), z * (1 - z), 1 - n * n], 1).detach());
    }

    private static Tensor Largest(Tensor matrices) => linalg.svdvals(matrices).select(-1, 0);

    private static void AssertClose(double expected, double actual, string what)
    {
        if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"{what}: {actual}, expected NaN");
        else Assert.True(Math.Abs(actual - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual} vs exact {expected}");
    }
}
