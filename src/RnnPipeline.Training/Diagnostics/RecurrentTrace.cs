using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using TorchSharp;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>
/// What the trainer hands to <see cref="StabilityAnalyzer"/> at a logged step: the recurrent layer's state over one
/// window for the probe subset of P sequences. Column-vector convention: a_t = W_xh x_t + W_hh h_{t−1} + b, so
/// J_t = ∂h_t/∂h_{t−1} = diag(f'(a_t))·W_hh with W_hh exactly as stored (TorchSharp's row-vector code computes
/// h_{t−1}·W_hhᵀ). For a gated cell (<see cref="Cell"/>) the state s_t is (h_t, c_t) for the LSTM (S = 2H) or h_t for
/// the GRU, W_hh is [G·H, H], the pre-activations are those <see cref="GatedRecurrence.Step"/> keeps ([T, P, 4H]) and
/// the Jacobians are <see cref="GatedJacobians"/>'. All tensors are detached copies owned by the caller.
/// </summary>
/// <param name="Activation">Recurrent nonlinearity f (of the vanilla unit).</param>
/// <param name="RecurrentWeight">W_hh, shape [H, H] ([G·H, H] for a gated cell).</param>
/// <param name="PreActivations">a_t, shape [T, P, H] ([T, P, 4H] for a gated cell).</param>
/// <param name="Hidden">States s_{−1}..s_{T−1} (initial state first), shape [T+1, P, S].</param>
/// <param name="LocalGradients">∂L_t/∂s_t through the output head only (no recurrence), shape [T, P, S].</param>
/// <param name="HiddenGradients">Total ∂L/∂s_t from the real backward pass over the window loss, shape [T, P, S].</param>
internal sealed record RecurrentTrace(
    Activation Activation,
    torch.Tensor RecurrentWeight,
    torch.Tensor PreActivations,
    torch.Tensor Hidden,
    torch.Tensor LocalGradients,
    torch.Tensor HiddenGradients)
{
    /// <summary>The recurrent cell (the vanilla unit unless set).</summary>
    public RecurrentCell Cell { get; init; }

    /// <summary>
    /// The trace of the sequences whose pre-activations <paramref name="pass"/> kept: <paramref name="local"/> and
    /// <paramref name="delta"/> are the [T, B, S] gradients returned by <see cref="CharRnnNetwork.Backward"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The forward pass kept no pre-activations.</exception>
    public static RecurrentTrace From(CharRnnNetwork network, ForwardPass pass, torch.Tensor local, torch.Tensor delta)
    {
        var pre = pass.PreActivations ?? throw new ArgumentException("run Forward with keepPreActivations > 0 to trace it", nameof(pass));
        int p = (int)pre.shape[1];
        var hidden = torch.cat([pass.H0.unsqueeze(0), pass.States], 0);
        return new RecurrentTrace(network.Activation, network.Weights.Whh.clone(),
            pre.clone(), hidden[.., ..p].clone(), local[.., ..p].clone(), delta[.., ..p].clone()) { Cell = network.Cell };
    }
}
