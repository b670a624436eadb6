using RnnPipeline.Options;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// Forward and hand-written backward pass of the character RNN over one window (time-major [T, B] batches).
/// The recurrence runs with in-place <c>addmm</c> on the pre-activation buffer; the backward loop computes
/// δ_t = ∂L/∂h_t once per timestep (so ‖∂L/∂h_t‖ costs nothing extra) and every weight gradient as one large matmul
/// after the loop. Verified against autograd and torch.nn.RNN in the tests. Call inside a dispose scope.
/// </summary>
public sealed class CharRnnNetwork(CharRnnWeights weights, Activation activation)
{
    /// <summary>The parameters.</summary>
    public CharRnnWeights Weights { get; } = weights;

    /// <summary>The recurrent nonlinearity.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>
    /// Runs the network over <paramref name="inputs"/> [T, B] from hidden state <paramref name="h0"/> [B, H]. The
    /// pre-activations a_t of the first <paramref name="keepPreActivations"/> sequences are kept for diagnostics.
    /// </summary>
    public ForwardPass Forward(Tensor inputs, Tensor h0, int keepPreActivations = 0)
    {
        var (embedded, hidden) = InputProjection(inputs);
        var pre = Recur(hidden, h0, keepPreActivations);
        return new ForwardPass(inputs, h0, embedded, pre, hidden, Head(hidden));
    }

    /// <summary>
    /// The embedded inputs [T·B, D] (null with one-hot input) and W_xh x_t + b_h for every timestep [T, B, H], the
    /// buffer that <see cref="Recur"/> turns into h_t in place.
    /// </summary>
    public (Tensor? Embedded, Tensor Hidden) InputProjection(Tensor inputs)
    {
        var w = Weights;
        Tensor? x = w.E?.index_select(0, inputs.flatten());                       // [T·B, D] or one-hot
        var hidden = x is null
            ? w.Wxh.t().index_select(0, inputs.flatten())                           // W_xh x_t for one-hot x_t
            : x.matmul(w.Wxh.t());
        return (x, hidden.add_(w.Bh).view(inputs.shape[0], inputs.shape[1], -1));
    }

    /// <summary>
    /// The recurrence over <paramref name="hidden"/> [T, B, H] in place: a_t = (W_xh x_t + b_h) + h_{t−1} W_hhᵀ, then
    /// h_t = f(a_t). Returns a_t of the first <paramref name="keepPreActivations"/> sequences [T, P, H], or null.
    /// </summary>
    public Tensor? Recur(Tensor hidden, Tensor h0, int keepPreActivations = 0)
    {
        long steps = hidden.shape[0];
        int kept = (int)Math.Min(keepPreActivations, hidden.shape[1]);
        var pre = kept > 0 ? empty(steps, kept, hidden.shape[2], dtype: hidden.dtype) : null;
        var rows = hidden.unbind(0);                                                // one view per timestep
        var whhT = Weights.Whh.t();
        var previous = h0;
        for (int t = 0; t < steps; t++)
        {
            var at = rows[t].addmm_(previous, whhT);                                // a_t = W_xh x_t + b_h + h_{t−1} W_hhᵀ
            pre?[t].copy_(at[..kept]);
            previous = Activations.ApplyInPlace(Activation, at);                    // h_t = f(a_t)
        }
        return pre;
    }

    /// <summary>log p(next char) [T·B, V] from the hidden states [T, B, H].</summary>
    public Tensor Head(Tensor hidden) =>
        hidden.view(hidden.shape[0] * hidden.shape[1], -1).matmul(Weights.Why.t()).add_(Weights.By).log_softmax(1);

    /// <summary>
    /// Mean cross-entropy (nats per character) of <paramref name="pass"/> against <paramref name="targets"/> [T, B]; with
    /// <paramref name="weights"/> [T, B] the weighted mean Σ w·ℓ / Σ w.
    /// </summary>
    public static Tensor Loss(ForwardPass pass, Tensor targets, Tensor? weights = null)
    {
        var nll = -pass.LogProbabilities.gather(1, targets.reshape(-1, 1)).view(-1);
        return weights is null ? nll.mean() : nll.mul(weights.reshape(-1)).sum().div(WeightTotal(weights));
    }

    /// <summary>Σ w of a weighted loss (at least 1e-30, so a window without a scored character has loss and gradients 0).</summary>
    internal static Tensor WeightTotal(Tensor weights) => weights.sum().clamp_min(1e-30);

    /// <summary>
    /// Backpropagates the mean cross-entropy of <paramref name="pass"/> (weighted by <paramref name="weights"/> [T, B] when
    /// given, see <see cref="Loss"/>) into <paramref name="grads"/> (overwritten).
    /// Returns the local gradients ∂L_t/∂h_t through the head [T, B, H] and the total δ_t = ∂L/∂h_t [T, B, H].
    /// </summary>
    public (Tensor Local, Tensor Delta) Backward(ForwardPass pass, Tensor targets, CharRnnWeights grads, Tensor? weights = null)
    {
        var local = HeadBackward(pass, targets, grads, weights);
        var (delta, da) = RecurBackward(pass, local);
        WeightGradients(pass, da, grads);
        return (local, delta);
    }

    /// <summary>
    /// Gradients of the head (W_hy, b_y into <paramref name="grads"/>) and the local gradients ∂L_t/∂h_t [T, B, H], of
    /// the mean or, with <paramref name="weights"/> [T, B], the weighted mean cross-entropy.
    /// </summary>
    public Tensor HeadBackward(ForwardPass pass, Tensor targets, CharRnnWeights grads, Tensor? weights = null)
    {
        long steps = pass.Hidden.shape[0], batch = pass.Hidden.shape[1], n = steps * batch;
        var dlogits = pass.LogProbabilities.exp();                                  // softmax
        dlogits.scatter_add_(1, targets.reshape(-1, 1), full(n, 1, -1.0, dtype: dlogits.dtype));  // p − onehot
        if (weights is null) dlogits.div_(n);                                       // ∂(mean)/∂logits
        else dlogits.mul_(weights.reshape(-1, 1)).div_(WeightTotal(weights));       // w (p − onehot) / Σ w
        grads.Why.copy_(dlogits.t().matmul(pass.Hidden.view(n, -1)));
        grads.By.copy_(dlogits.sum(dim: 0));
        return dlogits.matmul(Weights.Why).view(steps, batch, -1);                  // ∂L_t/∂h_t via the head
    }

    /// <summary>
    /// The backward recurrence from the local gradients [T, B, H]: δ_t = ∂L/∂h_t (local plus what flows back from
    /// t + 1) and ∂L/∂a_t = δ_t ⊙ f'(a_t), both [T, B, H].
    /// </summary>
    public (Tensor Delta, Tensor PreActivationGrad) RecurBackward(ForwardPass pass, Tensor local)
    {
        var delta = local.clone();
        var da = Activations.DerivativeFromOutput(Activation, pass.Hidden);        // f'(a_t), then ∂L/∂a_t in place
        var deltaRows = delta.unbind(0);
        var daRows = da.unbind(0);
        for (int t = deltaRows.Length - 1; t >= 0; t--)
        {
            if (t < deltaRows.Length - 1) deltaRows[t].addmm_(daRows[t + 1], Weights.Whh);  // δ_t += ∂L/∂a_{t+1} W_hh
            daRows[t].mul_(deltaRows[t]);                                           // ∂L/∂a_t = δ_t ⊙ f'(a_t)
        }
        return (delta, da);
    }

    /// <summary>Gradients of W_hh, b_h, W_xh (and E) into <paramref name="grads"/> from ∂L/∂a_t [T, B, H], each one large matmul.</summary>
    public void WeightGradients(ForwardPass pass, Tensor da, CharRnnWeights grads)
    {
        long n = da.shape[0] * da.shape[1], h = da.shape[2];
        var daFlat = da.view(n, -1);
        // Σ_t ∂L/∂a_t h_{t−1}ᵀ: t = 0 against h_0, t ≥ 1 against the stored states as they lie (no copy of all T·B·H
        // shifted states, a fresh large allocation per step that cost a quarter of this phase at H = 512).
        grads.Whh.copy_(da[0].t().matmul(pass.H0)).addmm_(da[1..].reshape(-1, h).t(), pass.Hidden[..^1].reshape(-1, h));
        grads.Bh.copy_(daFlat.sum(dim: 0));
        if (pass.Embedded is null)
        {
            // Rows of a contiguous [V, H] buffer, then transposed into W_xh: a scatter into W_xh's strided columns was ~4× slower.
            grads.Wxh.copy_(zeros(Weights.Wxh.shape[1], h, dtype: da.dtype).index_add_(0, pass.Inputs.flatten(), daFlat, 1).t());
        }
        else
        {
            grads.Wxh.copy_(daFlat.t().matmul(pass.Embedded));
            grads.E!.zero_().index_add_(0, pass.Inputs.flatten(), daFlat.matmul(Weights.Wxh), 1);
        }
    }
}

/// <summary>Everything the backward pass and the diagnostics need from a forward pass.</summary>
/// <param name="Inputs">Character indices [T, B].</param>
/// <param name="H0">Initial hidden state [B, H].</param>
/// <param name="Embedded">Embedded inputs [T·B, D]; null with one-hot input.</param>
/// <param name="PreActivations">a_t of the first sequences [T, P, H] when requested, else null.</param>
/// <param name="Hidden">h_t [T, B, H].</param>
/// <param name="LogProbabilities">log p(next char) [T·B, V].</param>
public sealed record ForwardPass(Tensor Inputs, Tensor H0, Tensor? Embedded, Tensor? PreActivations, Tensor Hidden, Tensor LogProbabilities);
