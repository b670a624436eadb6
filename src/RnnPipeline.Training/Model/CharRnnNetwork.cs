using RnnPipeline.Options;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// One character RNN over time-major [T, B] windows: its weights and nonlinearity, with the forward pass and
/// backpropagation through time of <see cref="Recurrence"/> (as a run of one) or, for a gated cell, of
/// <see cref="GatedRecurrence"/>. Call inside a dispose scope.
/// </summary>
internal sealed class CharRnnNetwork(CharRnnWeights weights, Activation activation)
{
    /// <summary>The parameters.</summary>
    public CharRnnWeights Weights { get; } = weights;

    /// <summary>The recurrent nonlinearity.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>The recurrent cell (from the weights' shapes).</summary>
    public RecurrentCell Cell => Weights.Cell;

    /// <summary>The vanilla recurrence of this network alone (a run of one, over its live weights); see <see cref="Layer"/> for any cell.</summary>
    public Recurrence Alone => Recurrence.Of(Weights, Activation);

    /// <summary>The recurrent layer of this network alone, of its cell: <see cref="Alone"/> or a <see cref="GatedRecurrence"/>.</summary>
    public IRecurrence Layer => Cell == RecurrentCell.Rnn ? Alone : new GatedRecurrence(Weights);

    /// <summary>
    /// Runs the network over <paramref name="inputs"/> [T, B] from state <paramref name="h0"/> [B, S] (S =
    /// <see cref="CharRnnWeights.StateSize"/>). The pre-activations a_t (gated cells: <see cref="GatedRecurrence.Step"/>'s)
    /// of the first <paramref name="keepPreActivations"/> sequences are kept for diagnostics.
    /// </summary>
    public ForwardPass Forward(Tensor inputs, Tensor h0, int keepPreActivations = 0) =>
        Layer.Forward(inputs.unsqueeze(0), h0.unsqueeze(0), keepPreActivations).Run(0, keepPreActivations);

    /// <summary>
    /// Mean cross-entropy (nats per character) of <paramref name="pass"/> against <paramref name="targets"/> [T, B]; with
    /// <paramref name="weights"/> [T, B] the weighted mean Σ w·ℓ / Σ w.
    /// </summary>
    public static Tensor Loss(ForwardPass pass, Tensor targets, Tensor? weights = null) =>
        Recurrence.Losses(StackedPass.Of(pass), targets.unsqueeze(0), weights?.unsqueeze(0))[0];

    /// <summary>
    /// Backpropagates the mean cross-entropy of <paramref name="pass"/> (weighted by <paramref name="weights"/> [T, B] when
    /// given, see <see cref="Loss"/>) into <paramref name="grads"/> (overwritten).
    /// Returns the local gradients ∂L_t/∂h_t through the head and the total δ_t = ∂L/∂s_t, both [T, B, S] (for the
    /// LSTM's state (h, c), the local gradient's c half is 0).
    /// </summary>
    public (Tensor Local, Tensor Delta) Backward(ForwardPass pass, Tensor targets, CharRnnWeights grads, Tensor? weights = null) =>
        Layer.Backward(StackedPass.Of(pass), targets.unsqueeze(0), weights?.unsqueeze(0)).CopyRun(0, grads);
}

/// <summary>Everything the backward pass and the diagnostics need from a forward pass.</summary>
/// <param name="Inputs">Character indices [T, B].</param>
/// <param name="H0">Initial state [B, S]: h_{−1}, or (h_{−1}, c_{−1}) side by side for the LSTM.</param>
/// <param name="Embedded">Embedded inputs [T·B, D]; null with one-hot input.</param>
/// <param name="PreActivations">a_t of the first sequences [T, P, H] (gated cells: [T, P, 4H], see <see cref="GatedRecurrence.Step"/>) when requested, else null.</param>
/// <param name="Hidden">h_t [T, B, H].</param>
/// <param name="LogProbabilities">log p(next char) [T·B, V].</param>
internal sealed record ForwardPass(Tensor Inputs, Tensor H0, Tensor? Embedded, Tensor? PreActivations, Tensor Hidden, Tensor LogProbabilities)
{
    /// <summary>An LSTM's cell states c_t [T, B, H]; null for the other cells.</summary>
    public Tensor? Cells { get; init; }

    /// <summary>The states s_t [T, B, S]: h_t, or (h_t, c_t) side by side for the LSTM.</summary>
    public Tensor States => Cells is null ? Hidden : cat([Hidden, Cells], -1);

    /// <summary>The last state s_{T−1} [B, S], which the next window starts from.</summary>
    public Tensor FinalState => Cells is null ? Hidden[^1] : cat([Hidden[^1], Cells[^1]], -1);
}
