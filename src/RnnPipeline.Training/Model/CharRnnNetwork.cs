using RnnPipeline.Options;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// One character RNN over time-major [T, B] windows: its weights and nonlinearity, with the forward pass and
/// backpropagation through time of <see cref="Recurrence"/> (as a run of one). Call inside a dispose scope.
/// </summary>
internal sealed class CharRnnNetwork(CharRnnWeights weights, Activation activation)
{
    /// <summary>The parameters.</summary>
    public CharRnnWeights Weights { get; } = weights;

    /// <summary>The recurrent nonlinearity.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>The recurrence of this network alone (a run of one, over its live weights).</summary>
    public Recurrence Alone => Recurrence.Of(Weights, Activation);

    /// <summary>
    /// Runs the network over <paramref name="inputs"/> [T, B] from hidden state <paramref name="h0"/> [B, H]. The
    /// pre-activations a_t of the first <paramref name="keepPreActivations"/> sequences are kept for diagnostics.
    /// </summary>
    public ForwardPass Forward(Tensor inputs, Tensor h0, int keepPreActivations = 0) =>
        Alone.Forward(inputs.unsqueeze(0), h0.unsqueeze(0), keepPreActivations).Run(0, keepPreActivations);

    /// <summary>
    /// Mean cross-entropy (nats per character) of <paramref name="pass"/> against <paramref name="targets"/> [T, B]; with
    /// <paramref name="weights"/> [T, B] the weighted mean Σ w·ℓ / Σ w.
    /// </summary>
    public static Tensor Loss(ForwardPass pass, Tensor targets, Tensor? weights = null) =>
        Recurrence.Losses(StackedPass.Of(pass), targets.unsqueeze(0), weights?.unsqueeze(0))[0];

    /// <summary>
    /// Backpropagates the mean cross-entropy of <paramref name="pass"/> (weighted by <paramref name="weights"/> [T, B] when
    /// given, see <see cref="Loss"/>) into <paramref name="grads"/> (overwritten).
    /// Returns the local gradients ∂L_t/∂h_t through the head [T, B, H] and the total δ_t = ∂L/∂h_t [T, B, H].
    /// </summary>
    public (Tensor Local, Tensor Delta) Backward(ForwardPass pass, Tensor targets, CharRnnWeights grads, Tensor? weights = null) =>
        Alone.Backward(StackedPass.Of(pass), targets.unsqueeze(0), weights?.unsqueeze(0)).CopyRun(0, grads);
}

/// <summary>Everything the backward pass and the diagnostics need from a forward pass.</summary>
/// <param name="Inputs">Character indices [T, B].</param>
/// <param name="H0">Initial hidden state [B, H].</param>
/// <param name="Embedded">Embedded inputs [T·B, D]; null with one-hot input.</param>
/// <param name="PreActivations">a_t of the first sequences [T, P, H] when requested, else null.</param>
/// <param name="Hidden">h_t [T, B, H].</param>
/// <param name="LogProbabilities">log p(next char) [T·B, V].</param>
internal sealed record ForwardPass(Tensor Inputs, Tensor H0, Tensor? Embedded, Tensor? PreActivations, Tensor Hidden, Tensor LogProbabilities);
