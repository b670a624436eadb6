using RnnPipeline.Options;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training.Diagnostics;

/// <summary>Hand-built traces: a recurrence driven by given inputs, in float64.</summary>
internal static class Traces
{
    /// <summary>
    /// Runs h_t = f(W h_{t−1} + u_t) for inputs <paramref name="drive"/> [T, P, H] from h = 0 and returns its trace with
    /// a unit local gradient on the first unit at the last step (and none before), so the "gradient reaching step T−k"
    /// is the first row of the Jacobian product.
    /// </summary>
    public static RecurrentTrace Drive(Activation activation, Tensor w, Tensor drive)
    {
        long steps = drive.shape[0], p = drive.shape[1], h = drive.shape[2];
        var a = zeros_like(drive);
        var hidden = zeros(steps + 1, p, h, dtype: drive.dtype);
        for (long t = 0; t < steps; t++)
        {
            a[t] = hidden[t].matmul(w.t()) + drive[t];
            hidden[t + 1] = Activations.Apply(activation, a[t]);
        }
        var local = zeros_like(drive);
        local[steps - 1, .., 0] = 1.0;
        return new RecurrentTrace(activation, w, a, hidden, local, local.clone());
    }

    /// <summary>N(0, g²/H) matrix from a seeded generator.</summary>
    public static Tensor Gaussian(int h, double gain, int seed) =>
        randn(h, h, dtype: float64, generator: new Generator((ulong)seed)) * (gain / Math.Sqrt(h));

    public static Tensor Noise(int steps, int p, int h, double std, int seed) =>
        randn(steps, p, h, dtype: float64, generator: new Generator((ulong)seed)) * std;

    /// <summary>The same trace in float32, as the trainer records it.</summary>
    public static RecurrentTrace Float32(RecurrentTrace trace) => trace with
    {
        RecurrentWeight = trace.RecurrentWeight.to(float32), PreActivations = trace.PreActivations.to(float32), Hidden = trace.Hidden.to(float32),
        LocalGradients = trace.LocalGradients.to(float32), HiddenGradients = trace.HiddenGradients.to(float32),
    };
}
