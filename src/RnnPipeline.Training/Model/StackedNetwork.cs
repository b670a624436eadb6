using RnnPipeline.Options;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// R networks of one shape (hidden size, input encoding, vocabulary, nonlinearity) run as one: their parameters are
/// stacked along a leading run dimension, every tensor is run-major ([R, T, B, …], so run r's part is one contiguous
/// block laid out as <see cref="CharRnnNetwork"/> lays it out), the recurrence is one <c>bmm</c> per timestep for all
/// runs (the T·B-row products of the head and the weight gradients run as one matmul per run). Run r gets what
/// <see cref="CharRnnNetwork"/> computes for it alone, up to float32 summation order (checked against it in the tests).
/// The stack copies the members' weights at construction: build it inside the step's dispose scope, after the last
/// update.
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

    private static bool SameShape(CharRnnWeights a, CharRnnWeights b) =>
        a.Named().Select(p => p.Name).SequenceEqual(b.Named().Select(p => p.Name))
        && a.Named().Zip(b.Named()).All(p => p.First.Value.shape.SequenceEqual(p.Second.Value.shape));

    /// <summary>
    /// Runs all networks on <paramref name="inputs"/> [R, T, B] from the initial states <paramref name="h0"/> [R, B, H].
    /// Pre-activations of the first <paramref name="keepPreActivations"/> sequences of every run are kept.
    /// </summary>
    public StackedPass Forward(Tensor inputs, Tensor h0, int keepPreActivations = 0)
    {
        long runs = inputs.shape[0], steps = inputs.shape[1], batch = inputs.shape[2], h = _whh.shape[1];
        var rows = RowIndices(inputs);
        Tensor? x = _e?.view(-1, _e.shape[2]).index_select(0, rows);                // [R·T·B, D]
        var hidden = x is null
            ? _wxh.transpose(1, 2).reshape(-1, h).index_select(0, rows)             // W_xh x_t for one-hot x_t
            : x.view(runs, steps * batch, -1).bmm(_wxh.transpose(1, 2));   // embedded: R·T·B rows, small D
        hidden = hidden.view(runs, steps, batch, h).add_(_bh.view(runs, 1, 1, h));  // [R, T, B, H]

        int kept = (int)Math.Min(keepPreActivations, batch);
        var pre = kept > 0 ? empty(runs, steps, kept, h) : null;
        var states = hidden.unbind(1);                                             // [R, B, H] per timestep (views)
        var whhT = _whh.transpose(1, 2);
        var previous = h0;
        for (int t = 0; t < steps; t++)
        {
            var at = states[t].add_(previous.bmm(whhT));                            // a_t = W_xh x_t + b_h + h_{t−1} W_hhᵀ, every run
            pre?[.., t].copy_(at[.., ..kept]);
            previous = Activations.ApplyInPlace(_activation, at);
        }
        var logits = _by.unsqueeze(1).expand(runs, steps * batch, -1).contiguous();
        var hiddenRows = hidden.view(runs, steps * batch, h);
        PerRun(runs, r => logits[r].addmm_(hiddenRows[r], _why[r].t()));
        var logProbabilities = logits.log_softmax(2);
        return new StackedPass(inputs, rows, h0, x, pre, hidden, logProbabilities);
    }

    /// <summary>
    /// Backpropagates each run's mean cross-entropy against its targets in <paramref name="targets"/> [R, T, B]: the
    /// parameter gradients [R, …] and δ and the local gradients [R, T, B, H], as <see cref="CharRnnNetwork.Backward"/> per run
    /// (with <paramref name="weights"/> [R, T, B], each run's weighted mean).
    /// </summary>
    public StackedGradients Backward(StackedPass pass, Tensor targets, Tensor? weights = null)
    {
        long runs = targets.shape[0], steps = targets.shape[1], batch = targets.shape[2], n = steps * batch, h = _whh.shape[1];
        var hidden = pass.Hidden.view(runs, n, h);
        var dlogits = pass.LogProbabilities.exp();                                  // (softmax − onehot) / N per run
        dlogits.scatter_add_(2, targets.view(runs, n, 1), full(runs, n, 1, -1.0));
        if (weights is null) dlogits.div_(n);
        else dlogits.mul_(weights.view(runs, n, 1)).div_(weights.view(runs, n).sum(1).clamp_min(1e-30).view(runs, 1, 1));
        var why = empty_like(_why);
        var local = empty(runs, steps, batch, h);                                  // ∂L_t/∂h_t via the head
        var localRows = local.view(runs, n, h);
        PerRun(runs, r =>
        {
            why[r].addmm_(dlogits[r].t(), hidden[r], beta: 0);
            localRows[r].addmm_(dlogits[r], _why[r], beta: 0);
        });
        var by = dlogits.sum(dim: 1);

        var delta = local.clone();                                                 // δ_t = local_t + ∂L/∂a_{t+1} W_hh
        var da = Activations.DerivativeFromOutput(_activation, pass.Hidden);       // then ∂L/∂a_t = δ_t ⊙ f'(a_t)
        var deltaRows = delta.unbind(1);
        var daRows = da.unbind(1);
        for (int t = (int)steps - 1; t >= 0; t--)
        {
            if (t < steps - 1) deltaRows[t].add_(daRows[t + 1].bmm(_whh));
            daRows[t].mul_(deltaRows[t]);
        }

        // Σ_t ∂L/∂a_t h_{t−1}ᵀ: t = 0 against h_0, t ≥ 1 against the stored states as they lie (no shifted copy).
        var daFlat = da.view(runs, n, h);
        var whh = da[.., 0].transpose(1, 2).bmm(pass.H0);
        PerRun(runs, r => whh[r].addmm_(da[r, 1..].reshape(-1, h).t(), pass.Hidden[r, ..^1].reshape(-1, h)));
        var bh = daFlat.sum(dim: 1);
        Tensor wxh;
        Tensor? e = null;
        if (pass.Embedded is null)
        {
            long vocabulary = _wxh.shape[2];
            wxh = zeros(runs * vocabulary, h).index_add_(0, pass.Rows, daFlat.view(-1, h), 1).view(runs, vocabulary, h).transpose(1, 2);
        }
        else
        {
            long d = _e!.shape[2];
            var embedded = pass.Embedded.view(runs, n, d);
            var dx = empty(runs, n, d);
            wxh = empty_like(_wxh);
            PerRun(runs, r =>
            {
                wxh[r].addmm_(daFlat[r].t(), embedded[r], beta: 0);
                dx[r].addmm_(daFlat[r], _wxh[r], beta: 0);
            });
            e = zeros(runs * _e.shape[1], d).index_add_(0, pass.Rows, dx.view(-1, d), 1).view(_e.shape);
        }
        return new StackedGradients(e, wxh, whh, bh, why, by, local, delta);
    }

    /// <summary>
    /// Per-step products with T·B rows run as one matmul per run: for these shapes (e.g. [R, T·B, V] × [R, V, H]) a
    /// <c>bmm</c> was several times slower than R matmuls on the machine the benchmark ran on, and R operations per step
    /// cost nothing.
    /// </summary>
    private static void PerRun(long runs, Action<int> product)
    {
        for (int r = 0; r < runs; r++) product(r);
    }

    /// <summary>Row of each input character in the runs' stacked [R·V, …] input tables, in the inputs' (run-major) order.</summary>
    private Tensor RowIndices(Tensor inputs) =>
        inputs.add(arange(inputs.shape[0], dtype: ScalarType.Int64).mul_(_why.shape[1]).view(-1, 1, 1)).flatten();
}

/// <summary>A forward pass of a <see cref="StackedNetwork"/>: <see cref="ForwardPass"/>'s tensors with a leading run axis.</summary>
/// <param name="Inputs">Character indices [R, T, B].</param>
/// <param name="Rows">Row of each input character in the runs' stacked [R·V, …] input tables, flattened in input order.</param>
/// <param name="H0">Initial hidden states [R, B, H].</param>
/// <param name="Embedded">Embedded inputs [R·T·B, D]; null with one-hot input.</param>
/// <param name="PreActivations">a_t of the first sequences of every run [R, T, P, H], or null.</param>
/// <param name="Hidden">h_t [R, T, B, H].</param>
/// <param name="LogProbabilities">log p(next char) [R, T·B, V].</param>
public sealed record StackedPass(Tensor Inputs, Tensor Rows, Tensor H0, Tensor? Embedded, Tensor? PreActivations, Tensor Hidden, Tensor LogProbabilities)
{
    /// <summary>
    /// Run <paramref name="run"/>'s pass as <see cref="CharRnnNetwork.Forward"/> returns it (views), with the
    /// pre-activations of its first <paramref name="keepPreActivations"/> sequences.
    /// </summary>
    public ForwardPass Run(int run, int keepPreActivations) => new(
        Inputs[run], H0[run],
        Embedded?.view(Inputs.shape[0], -1, Embedded.shape[1])[run],
        keepPreActivations > 0 ? PreActivations![run, .., ..keepPreActivations] : null,
        Hidden[run], LogProbabilities[run]);
}

/// <summary>What <see cref="StackedNetwork.Backward"/> computes: parameter gradients [R, …], δ and the local gradients [R, T, B, H].</summary>
public sealed record StackedGradients(Tensor? E, Tensor Wxh, Tensor Whh, Tensor Bh, Tensor Why, Tensor By, Tensor Local, Tensor Delta)
{
    /// <summary>Copies run <paramref name="run"/>'s parameter gradients into <paramref name="grads"/>; returns its local gradients and δ [T, B, H].</summary>
    public (Tensor Local, Tensor Delta) CopyRun(int run, CharRnnWeights grads)
    {
        Tensor?[] stacked = [E, Wxh, Whh, Bh, Why, By];
        foreach (var ((_, to), from) in grads.Named().Zip(stacked.Where(t => t is not null))) to.copy_(from![run]);
        return (Local[run], Delta[run]);
    }
}
