using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Optim;

/// <summary>
/// Gradient clipping by global L2 norm (rescale when ‖g‖ &gt; c; Pascanu, Mikolov &amp; Bengio 2013) or by value
/// (clamp each element to ±c), with the per-step <see cref="ClipRecord"/>. Gradients come as [R, …] tensors per
/// parameter (<see cref="CharRnnWeights.Named"/> order), R runs at once; a run alone is a stack of one.
/// </summary>
internal static class GradientClipper
{
    /// <summary>Global L2 norm of each run's gradients [R, …] (float64 accumulation, parameters added in order): R norms.</summary>
    public static double[] GlobalNorms(IReadOnlyList<Tensor> grads)
    {
        using var scope = NewDisposeScope();
        var squares = grads.Select(g => g.to(ScalarType.Float64).pow(Two).flatten(1).sum(1)).Aggregate((a, b) => a.add(b, One));
        return squares.sqrt().data<double>().ToArray();
    }

    /// <summary>Global L2 norm of one run's gradients.</summary>
    public static double GlobalNorm(CharRnnWeights grads)
    {
        using var scope = NewDisposeScope();
        return GlobalNorms(OfOne(grads))[0];
    }

    /// <summary>
    /// Clipping of one run's gradients <paramref name="grads"/> [1, …] (global norm <paramref name="before"/>) per
    /// <paramref name="options"/>: by value in place; by norm, the scale to apply with <see cref="Scale"/> (1: none).
    /// </summary>
    public static (ClipRecord Record, double Scale) Plan(int step, IReadOnlyList<Tensor> grads, double before, ClippingOptions options)
    {
        double scale = options.Mode == ClipMode.Norm && before > options.Threshold
            ? options.Threshold / (before + 1e-6)                                // the ε torch.nn.utils.clip_grad_norm_ uses
            : 1;
        if (options.Mode == ClipMode.Value)
            foreach (var g in grads) With(-options.Threshold, options.Threshold, (min, max) => g.clamp_(min, max));
        double after = options.Mode == ClipMode.Value ? GlobalNorms(grads)[0] : before * scale;
        bool clipped = after < before;
        return (new ClipRecord(step, before, after, options.Mode == ClipMode.None ? 0 : options.Threshold, clipped, before > 0 ? after / before : 1), scale);
    }

    /// <summary>Multiplies each run's gradients [R, …] by its scale (float32, as a scalar factor multiplies).</summary>
    public static void Scale(IReadOnlyList<Tensor> grads, IReadOnlyList<double> scales)
    {
        using var scope = NewDisposeScope();
        var factors = tensor(scales.Select(s => (float)s).ToArray());
        foreach (var g in grads) g.mul_(factors.view([factors.shape[0], .. Enumerable.Repeat(1L, (int)g.dim() - 1)]));
    }

    /// <summary>Clips one run's <paramref name="grads"/> (global norm <paramref name="before"/>) in place and describes what happened.</summary>
    public static ClipRecord Clip(int step, CharRnnWeights grads, double before, ClippingOptions options)
    {
        using var scope = NewDisposeScope();
        var one = OfOne(grads);
        var (record, scale) = Plan(step, one, before, options);
        if (scale != 1) Scale(one, [scale]);
        return record;
    }

    private static Tensor[] OfOne(CharRnnWeights grads) => [.. grads.Named().Select(p => p.Value.unsqueeze(0))];
}
