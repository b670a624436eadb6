using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training;

/// <summary>
/// The character RNN written the obvious way with autograd (per-step hidden states retain their gradients): the
/// yardstick for the hand-written backward pass.
/// </summary>
internal sealed class ReferenceRnn
{
    public required Dictionary<string, Tensor> Parameters { get; init; }
    public required Tensor Loss { get; init; }
    public required Tensor[] Hidden { get; init; }

    /// <summary>Runs and backpropagates the mean cross-entropy, or with <paramref name="lossWeights"/> [T, B] the weighted mean Σ w·ℓ / Σ w.</summary>
    public static ReferenceRnn Run(CharRnnWeights weights, Activation activation, Tensor inputs, Tensor targets, Tensor h0, Tensor? lossWeights = null)
    {
        var p = weights.Named().ToDictionary(x => x.Name, x => x.Value.detach().clone().requires_grad_(true));
        long steps = inputs.shape[0];
        var h = h0;
        var hidden = new Tensor[steps];
        var logits = new List<Tensor>();
        for (long t = 0; t < steps; t++)
        {
            Tensor x = p.TryGetValue("E", out var e)
                ? e.index_select(0, inputs[t])
                : nn.functional.one_hot(inputs[t], weights.Vocabulary).to(p["W_xh"].dtype);
            h = Activations.Apply(activation, x.matmul(p["W_xh"].t()) + h.matmul(p["W_hh"].t()) + p["b_h"]);
            h.retain_grad();
            hidden[t] = h;
            logits.Add(h.matmul(p["W_hy"].t()) + p["b_y"]);
        }
        var loss = lossWeights is null
            ? nn.functional.cross_entropy(cat(logits, 0), targets.flatten())
            : (nn.functional.cross_entropy(cat(logits, 0), targets.flatten(), reduction: nn.Reduction.None) * lossWeights.flatten()).sum() / lossWeights.sum();
        loss.backward();
        return new ReferenceRnn { Parameters = p, Loss = loss, Hidden = hidden };
    }
}
