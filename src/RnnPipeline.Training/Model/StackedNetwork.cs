using RnnPipeline.Options;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// R networks of one shape (hidden size, input encoding, vocabulary, nonlinearity) run as one: their parameters are
/// stacked along a leading run dimension, the recurrence is one <c>bmm</c> per timestep for all runs, the head and
/// the weight gradients one <c>bmm</c> each. Run r computes exactly what <see cref="CharRnnNetwork"/> computes for it
/// alone, up to float32 summation order (checked against it in the tests). The stack is a copy of the members'
/// weights at construction: build it inside the step's dispose scope, after the last update.
/// </summary>
public sealed class StackedNetwork
{
    private readonly Activation _activation;
    private readonly Tensor? _e;                                   // [R, V, D]
    private readonly Tensor _wxh, _whh, _bh, _why, _by;            // [R, H, V|D], [R, H, H], [R, H], [R, V, H], [R, V]

    /// <summary>Stacks the current weights of <paramref name="networks"/> (all of one shape and nonlinearity).</summary>
    /// <exception cref="ArgumentException">The networks differ in shape or nonlinearity.</exception>
    public StackedNetwork(IReadOnlyList<CharRnnNetwork> networks)
    {
        var first = networks[0];
        if (networks.Any(n => n.Activation != first.Activation || !SameShape(n.Weights, first.Weights)))
            throw new ArgumentException("stacked networks need one shape and one nonlinearity", nameof(networks));
        _activation = first.Activation;
        Tensor Stack(Func<CharRnnWeights, Tensor> parameter) => stack(networks.Select(n => parameter(n.Weights)).ToArray());
        _e = first.Weights.E is null ? null : Stack(w => w.E!);
        (_wxh, _whh, _bh, _why, _by) = (Stack(w => w.Wxh), Stack(w => w.Whh), Stack(w => w.Bh), Stack(w => w.Why), Stack(w => w.By));
    }

    /// <summary>Number of runs R.</summary>
    public int Runs => (int)_whh.shape[0];

    /// <summary>Whether two parameter sets have the same shapes (so their networks can be stacked).</summary>
    public static bool SameShape(CharRnnWeights a, CharRnnWeights b) =>
        a.Named().Select(p => p.Name).SequenceEqual(b.Named().Select(p => p.Name))
        && a.Named().Zip(b.Named()).All(p => p.First.Value.shape.SequenceEqual(p.Second.Value.shape));

    /// <summary>
    /// Runs all networks: <paramref name="inputs"/> [T, R, B] (run r reads column r), initial states <paramref name="h0"/>
    /// [R, B, H]. Pre-activations of the first <paramref name="keepPreActivations"/> sequences of every run are kept.
    /// </summary>
    public StackedPass Forward(Tensor inputs, Tensor h0, int keepPreActivations = 0)
    {
        long steps = inputs.shape[0], runs = inputs.shape[1], batch = inputs.shape[2], h = _whh.shape[1];
        var rows = RowIndices(inputs, runAxis: 1);                                 // (t, r, b) order
        Tensor? x = _e?.view(-1, _e.shape[2]).index_select(0, rows);                // [T·R·B, D]
        var hidden = x is null
            ? _wxh.transpose(1, 2).reshape(-1, h).index_select(0, rows)             // W_xh x_t for one-hot x_t
            : ByTime(ByRun(x.view(steps, runs, batch, -1)).bmm(_wxh.transpose(1, 2)), steps);
        hidden = hidden.view(steps, runs, batch, h).add_(_bh.unsqueeze(1));        // [T, R, B, H]

        int kept = (int)Math.Min(keepPreActivations, batch);
        var pre = kept > 0 ? empty(steps, runs, kept, h) : null;
        var states = hidden.unbind(0);                                             // [R, B, H] per timestep
        var whhT = _whh.transpose(1, 2);
        var previous = h0;
        for (int t = 0; t < steps; t++)
        {
            var at = states[t].add_(previous.bmm(whhT));                            // a_t = W_xh x_t + b_h + h_{t−1} W_hhᵀ, every run
            pre?[t].copy_(at[.., ..kept]);
            previous = Activations.ApplyInPlace(_activation, at);
        }
        var hiddenByRun = ByRun(hidden);                                           // [R, T·B, H]
        var logProbabilities = hiddenByRun.bmm(_why.transpose(1, 2)).add_(_by.unsqueeze(1)).log_softmax(2);
        return new StackedPass(inputs, h0, x, pre, hidden, hiddenByRun, logProbabilities);
    }

    /// <summary>
    /// Backpropagates each run's mean cross-entropy against its column of <paramref name="targets"/> [T, R, B]:
    /// the gradients [R, …] and δ and the local gradients [T, R, B, H], as <see cref="CharRnnNetwork.Backward"/> per run.
    /// </summary>
    public StackedGradients Backward(StackedPass pass, Tensor targets)
    {
        long steps = targets.shape[0], runs = targets.shape[1], batch = targets.shape[2], n = steps * batch, h = _whh.shape[1];
        // head: ∂L/∂logits = (softmax − onehot) / N per run
        var dlogits = pass.LogProbabilities.exp();
        dlogits.scatter_add_(2, ByRun(targets.unsqueeze(3)), full(runs, n, 1, -1.0)).div_(n);
        var why = dlogits.transpose(1, 2).bmm(pass.HiddenByRun);
        var by = dlogits.sum(dim: 1);
        var local = ByTime(dlogits.bmm(_why), steps).view(steps, runs, batch, h);  // ∂L_t/∂h_t via the head

        // recurrence: δ_t = local_t + ∂L/∂a_{t+1} W_hh, ∂L/∂a_t = δ_t ⊙ f'(a_t)
        var delta = local.clone();
        var da = Activations.DerivativeFromOutput(_activation, pass.Hidden);
        var deltaRows = delta.unbind(0);
        var daRows = da.unbind(0);
        for (int t = (int)steps - 1; t >= 0; t--)
        {
            if (t < steps - 1) deltaRows[t].add_(daRows[t + 1].bmm(_whh));
            daRows[t].mul_(deltaRows[t]);
        }

        // weight gradients, one bmm each: Σ_t ∂L/∂a_t h_{t−1}ᵀ, Σ_t ∂L/∂a_t, and the input weights
        var daByRun = ByRun(da);                                                   // [R, T·B, H]
        var previous = ByRun(cat([pass.H0.unsqueeze(0), pass.Hidden[..^1]], 0));
        var whh = daByRun.transpose(1, 2).bmm(previous);
        var bh = daByRun.sum(dim: 1);
        var rows = RowIndices(pass.Inputs, runAxis: 1);
        Tensor wxh;
        Tensor? e = null;
        if (pass.Embedded is null)
        {
            long vocabulary = _wxh.shape[2];
            wxh = zeros(runs * vocabulary, h).index_add_(0, rows, da.view(-1, h), 1).view(runs, vocabulary, h).transpose(1, 2);
        }
        else
        {
            var embedded = ByRun(pass.Embedded.view(steps, runs, batch, -1));
            wxh = daByRun.transpose(1, 2).bmm(embedded);
            e = zeros(_e!.shape[0] * _e.shape[1], _e.shape[2])
                .index_add_(0, RowIndices(pass.Inputs.transpose(0, 1), runAxis: 0), daByRun.bmm(_wxh).view(-1, _e.shape[2]), 1).view(_e.shape);
        }
        return new StackedGradients(e, wxh, whh, bh, why, by, local, delta);
    }

    /// <summary>Row of each input character in the runs' stacked [R·V, …] input tables, in the inputs' element order.</summary>
    /// <paramref name="inputs"/> holds run r's characters at index r of <paramref name="runAxis"/>.
    private Tensor RowIndices(Tensor inputs, int runAxis)
    {
        long[] shape = [.. Enumerable.Repeat(1L, (int)inputs.dim())];
        shape[runAxis] = inputs.shape[runAxis];
        return inputs.add(arange(inputs.shape[runAxis], dtype: ScalarType.Int64).mul_(_why.shape[1]).view(shape)).flatten();
    }

    /// <summary>[T, R, …] → [R, T·…] (a copy in run-major order).</summary>
    private static Tensor ByRun(Tensor byTime)
    {
        long[] shape = [byTime.shape[1], -1, byTime.shape[^1]];
        return byTime.transpose(0, 1).reshape(shape);
    }

    /// <summary>[R, T·B, X] → [T, R, B, X]-ordered rows [T·R·B, X] (a copy in time-major order).</summary>
    private static Tensor ByTime(Tensor byRun, long steps) =>
        byRun.view(byRun.shape[0], steps, -1, byRun.shape[2]).transpose(0, 1).reshape(-1, byRun.shape[2]);
}

/// <summary>A forward pass of a <see cref="StackedNetwork"/>: <see cref="ForwardPass"/>'s tensors with a run axis.</summary>
/// <param name="Inputs">Character indices [T, R, B].</param>
/// <param name="H0">Initial hidden states [R, B, H].</param>
/// <param name="Embedded">Embedded inputs [T·R·B, D]; null with one-hot input.</param>
/// <param name="PreActivations">a_t of the first sequences of every run [T, R, P, H], or null.</param>
/// <param name="Hidden">h_t [T, R, B, H].</param>
/// <param name="HiddenByRun">h_t in run-major order [R, T·B, H].</param>
/// <param name="LogProbabilities">log p(next char) [R, T·B, V].</param>
public sealed record StackedPass(Tensor Inputs, Tensor H0, Tensor? Embedded, Tensor? PreActivations, Tensor Hidden, Tensor HiddenByRun, Tensor LogProbabilities)
{
    /// <summary>Run <paramref name="run"/>'s pass as <see cref="CharRnnNetwork.Forward"/> returns it (views), with the pre-activations of its first <paramref name="keepPreActivations"/> sequences.</summary>
    public ForwardPass Run(int run, int keepPreActivations) => new(
        Inputs[.., run], H0[run],
        Embedded?.view(Inputs.shape[0], Inputs.shape[1], Inputs.shape[2], -1)[.., run].reshape(-1, Embedded.shape[1]),
        keepPreActivations > 0 ? PreActivations![.., run, ..keepPreActivations] : null,
        Hidden[.., run], LogProbabilities[run]);
}

/// <summary>What <see cref="StackedNetwork.Backward"/> computes: parameter gradients [R, …], δ and the local gradients [T, R, B, H].</summary>
public sealed record StackedGradients(Tensor? E, Tensor Wxh, Tensor Whh, Tensor Bh, Tensor Why, Tensor By, Tensor Local, Tensor Delta)
{
    /// <summary>Copies run <paramref name="run"/>'s parameter gradients into <paramref name="grads"/>; returns its local gradients and δ [T, B, H].</summary>
    public (Tensor Local, Tensor Delta) CopyRun(int run, CharRnnWeights grads)
    {
        Tensor?[] stacked = [E, Wxh, Whh, Bh, Why, By];
        foreach (var ((_, to), from) in grads.Named().Zip(stacked.Where(t => t is not null))) to.copy_(from![run]);
        return (Local[.., run], Delta[.., run]);
    }
}
