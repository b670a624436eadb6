using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Optim;

/// <summary>
/// Gradient clipping by global L2 norm (rescale when ‖g‖ &gt; c; Pascanu, Mikolov &amp; Bengio 2013) or by value
/// (clamp each element to ±c), with the per-step <see cref="ClipRecord"/>.
/// </summary>
internal static class GradientClipper
{
    /// <summary>Global L2 norm of all gradients (float64 accumulation).</summary>
    public static double GlobalNorm(CharRnnWeights grads)
    {
        using var scope = NewDisposeScope();
        var squares = grads.Named().Select(p => p.Value.to(ScalarType.Float64).pow(Two).sum()).ToArray();
        return Math.Sqrt(stack(squares).sum().item<double>());
    }

    /// <summary>
    /// Clips <paramref name="grads"/> (whose global norm is <paramref name="before"/>) in place per
    /// <paramref name="options"/> and describes what happened.
    /// </summary>
    public static ClipRecord Clip(int step, CharRnnWeights grads, double before, ClippingOptions options)
    {
        double scale = 1;
        switch (options.Mode)
        {
            case ClipMode.Norm when before > options.Threshold:
                scale = options.Threshold / (before + 1e-6);  // the ε torch.nn.utils.clip_grad_norm_ uses
                foreach (var (_, g) in grads.Named()) With(scale, g.mul_);
                break;
            case ClipMode.Value:
                foreach (var (_, g) in grads.Named()) With(-options.Threshold, options.Threshold, (min, max) => g.clamp_(min, max));
                break;
        }
        double after = options.Mode == ClipMode.Value ? GlobalNorm(grads) : before * scale;
        bool clipped = after < before;
        return new ClipRecord(step, before, after, options.Mode == ClipMode.None ? 0 : options.Threshold, clipped, before > 0 ? after / before : 1);
    }
}
