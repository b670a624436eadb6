using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training;

internal static class TestData
{
    public static CharRnnWeights Weights(int vocabulary, int hidden, int embedding = 0, RecurrentInit init = RecurrentInit.Orthogonal, double gain = 1.0, int seed = 1) =>
        CharRnnWeights.Create(new ModelOptions { HiddenSize = hidden, EmbeddingSize = embedding, Init = init, InitGain = gain }, vocabulary, seed);

    /// <summary>Random character indices [T, B] from a seeded generator.</summary>
    public static Tensor Tokens(int steps, int batch, int vocabulary, int seed)
    {
        var random = new Random(seed);
        return tensor(Enumerable.Range(0, steps * batch).Select(_ => (long)random.Next(vocabulary)).ToArray(), [steps, batch]);
    }

    public static RunSpec Spec(Action<RunSpec>? configure = null)
    {
        var spec = new RunSpec
        {
            Name = "test",
            Model = { HiddenSize = 16 },
            Training = { Steps = 40, BatchSize = 4, WindowLength = 16, EvalEvery = 20, EvalWindows = 4, LearningRate = 0.01 },
            Diagnostics = { Every = 0 },
        };
        configure?.Invoke(spec);
        return spec;
    }

    public static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        double error = (expected.to(float64) - actual.to(float64)).abs().max().item<double>();
        double scale = Math.Max(1.0, expected.to(float64).abs().max().item<double>());
        Assert.True(error <= tolerance * scale, $"{what}: max abs error {error:E2} > {tolerance:E0}·{scale:G3}");
    }

    /// <summary>
    /// Checks every parameter gradient in <paramref name="grads"/> against the central finite difference of
    /// <paramref name="loss"/> over the matching float64 <paramref name="weights"/> (step 1e−6, absolute error &lt; 1e−7).
    /// </summary>
    public static void AssertMatchesFiniteDifferences(CharRnnWeights weights, CharRnnWeights grads, Func<double> loss)
    {
        const double step = 1e-6;
        foreach (var ((name, w), (_, g)) in weights.Named().Zip(grads.Named()))
        {
            var flat = w.view(-1);
            var analytic = g.view(-1);
            for (long i = 0; i < flat.shape[0]; i++)
            {
                double original = flat[i].item<double>();
                flat[i] = original + step;
                double plus = loss();
                flat[i] = original - step;
                double minus = loss();
                flat[i] = original;
                double numeric = (plus - minus) / (2 * step);
                Assert.True(Math.Abs(numeric - analytic[i].item<double>()) < 1e-7, $"{name}[{i}]: numeric {numeric:E6} vs analytic {analytic[i].item<double>():E6}");
            }
        }
    }
}
