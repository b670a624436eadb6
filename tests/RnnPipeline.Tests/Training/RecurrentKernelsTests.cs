using System.Runtime.Intrinsics;
using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training;

/// <summary>The fused float32 recurrence loops and their vector math, against float64.</summary>
public sealed class RecurrentKernelsTests
{
    [Fact]
    public void VectorMath_TanhAndSigmoid_WithinTheirStatedUlpOfFloat64()
    {
        var random = new Random(1);
        double worstTanh = 0, worstSigmoid = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            // a dense grid over [−10, 10] and log-uniform magnitudes from 10⁻⁴ to 10² of either sign
            float x = i < 500_000 ? (i - 250_000) * 4e-5f : (float)((random.Next(2) * 2 - 1) * Math.Pow(10, random.NextDouble() * 6 - 4));
            var v = Vector256.Create(x);
            worstTanh = Math.Max(worstTanh, Ulps(VectorMath.Tanh(v)[0], Math.Tanh(x)));
            double sigmoid = 1 / (1 + Math.Exp(-(double)x));
            if (sigmoid >= 1.2e-38) worstSigmoid = Math.Max(worstSigmoid, Ulps(VectorMath.Sigmoid(v)[0], sigmoid));   // normal floats only
        }
        Assert.True(worstTanh <= 1.8, $"tanh: {worstTanh:F2} ulp");
        Assert.True(worstSigmoid <= 2.4, $"sigmoid: {worstSigmoid:F2} ulp");
        Assert.True(worstTanh > 0.5 && worstSigmoid > 0.5, "the sweep reached no rounding error: it checks nothing");
    }

    [Fact]
    public void VectorMath_SpecialValues()
    {
        float F(Func<Vector256<float>, Vector256<float>> f, float x) => f(Vector256.Create(x))[0];
        Assert.True(float.IsNaN(F(VectorMath.Tanh, float.NaN)) && float.IsNaN(F(VectorMath.Sigmoid, float.NaN)) && float.IsNaN(F(VectorMath.Relu, float.NaN)));
        Assert.Equal((1f, -1f), (F(VectorMath.Tanh, float.PositiveInfinity), F(VectorMath.Tanh, float.NegativeInfinity)));
        Assert.Equal((1f, 0.5f), (F(VectorMath.Sigmoid, float.PositiveInfinity), F(VectorMath.Sigmoid, 0f)));
        Assert.InRange(F(VectorMath.Sigmoid, float.NegativeInfinity), 0f, 1e-38f);
        Assert.Equal((0f, 3f, 1e-30f), (F(VectorMath.Relu, -2f), F(VectorMath.Relu, 3f), F(VectorMath.Tanh, 1e-30f)));
    }

    /// <summary>
    /// Forward and backward loops of a stack of 3 runs with ragged sizes (B = 5: a block of 4 rows and one row; H = 21: a
    /// block of 16 columns and 5 of a partial vector), against the float64 tensor loops of the same weights.
    /// </summary>
    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Relu)]
    public void FusedLoops_MatchFloat64TensorLoops(Activation activation)
    {
        using var scope = NewDisposeScope();
        var (hidden32, hidden64) = Stacks(3, hidden: 21, activation);
        var inputs = stack(Enumerable.Range(0, 3).Select(r => TestData.Tokens(11, 5, 7, seed: 10 + r)).ToArray());
        var targets = stack(Enumerable.Range(0, 3).Select(r => TestData.Tokens(11, 5, 7, seed: 20 + r)).ToArray());
        var h0 = randn(3, 5, 21, generator: new Generator(3)) * 0.5;

        var pass32 = hidden32.Forward(inputs, h0, keepPreActivations: 2);
        var pass64 = hidden64.Forward(inputs, h0.to(float64), keepPreActivations: 2);
        TestData.AssertClose(pass64.Hidden, pass32.Hidden, 2e-6, "h_t");
        TestData.AssertClose(pass64.PreActivations!, pass32.PreActivations!, 2e-6, "kept a_t");
        var grads32 = hidden32.Backward(pass32, targets);
        var grads64 = hidden64.Backward(pass64, targets);
        TestData.AssertClose(grads64.Delta, grads32.Delta, 1e-5, "δ_t");
        TestData.AssertClose(grads64.Whh, grads32.Whh, 1e-5, "∂L/∂W_hh");
    }

    /// <summary>
    /// A sequence's h_t and δ_t from the fused loops (called directly, so on any CPU) are the same bits whichever rows
    /// it shares the loops with: H = 21 with B = 5 (blocks of 4 rows, a partial vector), and H = 256 with B = 32,
    /// products large enough for the loop to be split over the tests' two threads, where a sequence alone is not.
    /// </summary>
    [Theory]
    [InlineData(21, 5, 4)]
    [InlineData(256, 32, 8)]
    public void FusedLoops_SameBitsWhateverTheBlockingAndThreads(int hidden, int batch, int steps)
    {
        using var scope = NewDisposeScope();
        var whh = randn(1, hidden, hidden, generator: new Generator(2)) * (1.1 / Math.Sqrt(hidden));
        var inputs = randn(1, steps, batch, hidden, generator: new Generator(3));                 // W_xh x_t + b_h
        var h0 = randn(1, batch, hidden, generator: new Generator(4)) * 0.5;
        Tensor Forward(Tensor c, Tensor start)
        {
            var states = c.contiguous().clone();
            RecurrentKernels.Forward(states, start.contiguous(), whh, Activation.Tanh, null);
            return states;
        }
        Tensor Backward(Tensor states)
        {
            var (delta, da) = ((states * 0.1).contiguous(), states.mul(states).neg().add(1.0).contiguous());
            RecurrentKernels.Backward(delta, da, whh);
            return delta;
        }
        var all = Forward(inputs, h0);
        var delta = Backward(all);
        foreach (int b in new[] { 0, batch / 2, batch - 1 })
        {
            var one = Forward(inputs.narrow(2, b, 1), h0.narrow(1, b, 1));
            Assert.True(one.eq(all.narrow(2, b, 1)).all().item<bool>(), $"h_t of sequence {b} alone differs");
            Assert.True(Backward(one).eq(delta.narrow(2, b, 1)).all().item<bool>(), $"δ_t of sequence {b} alone differs");
        }
    }

    /// <summary>A stack of <paramref name="runs"/> networks (vocabulary 7) in float32, and the same weights in float64.</summary>
    private static (Recurrence Float32, Recurrence Float64) Stacks(int runs, int hidden, Activation activation)
    {
        var weights = Enumerable.Range(0, runs).Select(r => TestData.Weights(7, hidden, 0, RecurrentInit.Normal, gain: 1.1, seed: r + 1)).ToArray();
        return (Recurrence.Over(new StackedWeights(weights), activation), Recurrence.Over(new StackedWeights([.. weights.Select(w => w.Map(t => t.to(float64)))]), activation));
    }

    private static double Ulps(float actual, double exact)
    {
        float nearest = (float)exact;
        return Math.Abs(actual - exact) / (MathF.BitIncrement(MathF.Abs(nearest)) - MathF.Abs(nearest));
    }
}
