using RnnPipeline.Options;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training.Diagnostics;

public sealed class AnalysisSequenceTests
{
    private const int Window = 32;

    /// <summary>
    /// One ReLU unit with w = 0.97 and a positive drive stays active, so the gradient reaching T−k is 0.97^k: it falls
    /// below ε = 1e−3 at k = 227 (0.97^226 ≈ 1.03e−3, 0.97^227 ≈ 0.99e−3), far beyond a 32-step training window.
    /// </summary>
    [Theory]
    [InlineData(300, 227)]
    [InlineData(100, 100)]                                                            // censored at the analysis length
    public void MemoryHorizon_BeyondTrainingWindow_IsMeasuredOnTheAnalysisSequence(int length, int expected)
    {
        using var scope = NewDisposeScope();
        using var weights = TestData.Weights(vocabulary: 3, hidden: 1, 0, RecurrentInit.Identity, gain: 0.97);
        weights.Wxh.fill_(1.0f);
        weights.Bh.zero_();
        var network = new CharRnnNetwork(weights, Activation.Relu);
        long[] text = [.. Enumerable.Range(0, 200).Select(i => (long)(i % 3))];
        var window = Traces.Drive(Activation.Relu, tensor(new[,] { { 0.97 } }), full(Window, 2, 1, 1.0, dtype: float64));
        var analysis = AnalysisSequence.Run(network, text, sequences: 2, burnIn: 16, length);
        var snapshot = new StabilityAnalyzer(new DiagnosticsOptions()).Analyze(0, Traces.Float32(window), analysis)!;

        Assert.Equal(Window, snapshot.Timesteps.Count);
        Assert.Equal(length, snapshot.Lags.Count);
        Assert.Equal(expected, snapshot.Summary.MemoryHorizon);
        Assert.Equal(Math.Pow(0.97, 80), snapshot.Lags[80].GradRatio, 1e-6);
    }

    [Fact]
    public void Run_SameWeights_GivesTheSameTraceAndSkipsTheBurnIn()
    {
        using var scope = NewDisposeScope();
        using var weights = TestData.Weights(vocabulary: 5, hidden: 4, 0, RecurrentInit.Normal, gain: 1.2);
        var network = new CharRnnNetwork(weights, Activation.Tanh);
        long[] text = [.. Enumerable.Range(0, 50).Select(i => (long)(i * 7 % 5))];
        var first = AnalysisSequence.Run(network, text, sequences: 3, burnIn: 10, length: 70); // longer than the text: cyclic
        var second = AnalysisSequence.Run(network, text, sequences: 3, burnIn: 10, length: 70);
        Assert.Equal([70L, 3, 4], first.PreActivations.shape);
        Assert.Equal([71L, 3, 4], first.Hidden.shape);
        Assert.True(first.PreActivations.allclose(second.PreActivations, 0, 0));
        var full = AnalysisSequence.Run(network, text, sequences: 3, burnIn: 0, length: 80);
        Assert.True(full.PreActivations[10..].allclose(first.PreActivations));         // h_{−1} is the state after burn-in
        Assert.True(full.Hidden[10..].allclose(first.Hidden));
    }
}
