using static TorchSharp.torch;

namespace RnnPipeline.Training.Engine;

/// <summary>Where an Inf/NaN first appeared.</summary>
/// <param name="Tensor">"loss", "hidden" or "grad:&lt;parameter&gt;".</param>
/// <param name="Timestep">First offending timestep for hidden states; −1 otherwise.</param>
internal sealed record NonFiniteFault(string Tensor, int Timestep);

/// <summary>Finds the first non-finite value of a step: hidden states (by timestep), the loss, then gradients (by parameter).</summary>
internal static class NonFiniteGuard
{
    /// <summary>
    /// The first fault of the forward pass, or null. Every h_t feeds the loss through the head, so a non-finite h_t
    /// makes the loss non-finite: the hidden states are searched only when the loss is not finite.
    /// </summary>
    public static NonFiniteFault? Forward(float loss, Tensor hidden)
    {
        if (float.IsFinite(loss)) return null;
        using var scope = NewDisposeScope();
        var finitePerStep = hidden.isfinite().flatten(1).all(1);                  // [T]
        return finitePerStep.all().item<bool>()
            ? new NonFiniteFault("loss", -1)
            : new NonFiniteFault("hidden", (int)finitePerStep.logical_not().nonzero()[0, 0].item<long>());
    }

    /// <summary>The first parameter whose gradient is not finite, or null.</summary>
    public static NonFiniteFault? Gradients(IEnumerable<(string Name, Tensor Value)> grads)
    {
        using var scope = NewDisposeScope();
        foreach (var (name, g) in grads)
            if (!g.isfinite().all().item<bool>()) return new NonFiniteFault("grad:" + name, -1);
        return null;
    }
}
