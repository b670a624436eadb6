using RnnPipeline.Options;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// The forward pass and the hand-written backpropagation through time of R character RNNs of one shape, written once
/// for one run and for many. Parameters and activations carry a leading run axis ([R, T, B, …]); a single run is
/// R = 1 over views of its own weights (<see cref="Of"/>), a stack of runs holds copies (<see cref="Stack"/>).
/// <para>
/// Per timestep the recurrence is one <c>addmm</c> on a single run's rows or one batched <c>bmm</c> for all runs
/// (<see cref="AddProduct"/>); the products with T·B rows (head, input projection, weight gradients) run as one matmul
/// per run: for these shapes a <c>bmm</c> was several times slower than R matmuls on the benchmark machine. So a run
/// trained alone computes exactly what it computed before stacking existed, and a stacked run the same up to float32
/// summation order of the recurrence (checked in the tests). The backward loop computes δ_t = ∂L/∂h_t once per
/// timestep (so ‖∂L/∂h_t‖ costs nothing extra) and every weight gradient as one large matmul after the loop. Verified
/// against autograd and torch.nn.RNN in the tests. Call inside a dispose scope.
/// </para>
/// </summary>
internal sealed class Recurrence
{
    private readonly Activation _activation;
    private readonly Tensor? _e;                                   // [R, V, D]
    private readonly Tensor _wxh, _whh, _bh, _why, _by;            // [R, H, V|D], [R, H, H], [R, H], [R, V, H], [R, V]

    private readonly int _runs;                                    // R, read once: Tensor.shape is a native call and an array

    private Recurrence(Activation activation, Tensor? e, Tensor wxh, Tensor whh, Tensor bh, Tensor why, Tensor by) =>
        (_activation, _e, _wxh, _whh, _bh, _why, _by, _runs) = (activation, e, wxh, whh, bh, why, by, (int)whh.shape[0]);

    /// <summary>One run, over views of <paramref name="weights"/> (they stay live).</summary>
    public static Recurrence Of(CharRnnWeights weights, Activation activation) =>
        new(activation, weights.E?.unsqueeze(0), weights.Wxh.unsqueeze(0), weights.Whh.unsqueeze(0), weights.Bh.unsqueeze(0),
            weights.Why.unsqueeze(0), weights.By.unsqueeze(0));

    /// <summary>Copies of the current weights of <paramref name="networks"/> (one shape and one nonlinearity), stacked.</summary>
    /// <exception cref="ArgumentException">The networks differ in shape or nonlinearity.</exception>
    public static Recurrence Stack(IReadOnlyList<CharRnnNetwork> networks)
    {
        var first = networks[0];
        if (networks.Any(n => n.Activation != first.Activation || !SameShape(n.Weights, first.Weights)))
            throw new ArgumentException("stacked networks need one shape and one nonlinearity", nameof(networks));
        Tensor Of(Func<CharRnnWeights, Tensor> parameter) => stack(networks.Select(n => parameter(n.Weights)).ToArray());
        return new(first.Activation, first.Weights.E is null ? null : Of(w => w.E!), Of(w => w.Wxh), Of(w => w.Whh), Of(w => w.Bh), Of(w => w.Why), Of(w => w.By));
    }

    private static bool SameShape(CharRnnWeights a, CharRnnWeights b) =>
        a.Named().Select(p => p.Name).SequenceEqual(b.Named().Select(p => p.Name))
        && a.Named().Zip(b.Named()).All(p => p.First.Value.shape.SequenceEqual(p.Second.Value.shape));

    private int Runs => _runs;

    /// <summary>
    /// Runs the networks over <paramref name="inputs"/> [R, T, B] from hidden states <paramref name="h0"/> [R, B, H].
    /// The pre-activations a_t of the first <paramref name="keepPreActivations"/> sequences of every run are kept.
    /// </summary>
    public StackedPass Forward(Tensor inputs, Tensor h0, int keepPreActivations = 0)
    {
        var (embedded, hidden) = InputProjection(inputs);
        var pre = Recur(hidden, h0, keepPreActivations);
        return new StackedPass(inputs, h0, embedded, pre, hidden, Head(hidden));
    }

    /// <summary>
    /// The embedded inputs [R, T·B, D] (null with one-hot input) and W_xh x_t + b_h for every timestep [R, T, B, H], the
    /// buffer that <see cref="Recur"/> turns into h_t in place.
    /// </summary>
    public (Tensor? Embedded, Tensor Hidden) InputProjection(Tensor inputs)
    {
        long runs = Runs, steps = inputs.shape[1], batch = inputs.shape[2], h = _whh.shape[1];
        Tensor? x = _e is null ? null : PerRun(r => _e[r].index_select(0, inputs[r].flatten()));             // [R, T·B, D]
        var hidden = x is null
            ? PerRun(r => _wxh[r].t().index_select(0, inputs[r].flatten()))       // W_xh x_t for one-hot x_t
            : PerRun(r => x[r].matmul(_wxh[r].t()));
        return (x, hidden.view(runs, steps, batch, h).add_(_bh.view(runs, 1, 1, h), One));
    }

    /// <summary>
    /// The recurrence over <paramref name="hidden"/> [R, T, B, H] in place: a_t = (W_xh x_t + b_h) + h_{t−1} W_hhᵀ, then
    /// h_t = f(a_t). Returns a_t of the first <paramref name="keepPreActivations"/> sequences [R, T, P, H], or null.
    /// </summary>
    public Tensor? Recur(Tensor hidden, Tensor h0, int keepPreActivations = 0)
    {
        long steps = hidden.shape[1];
        int kept = (int)Math.Min(keepPreActivations, hidden.shape[2]);
        var pre = kept > 0 ? empty(Runs, steps, kept, hidden.shape[3], dtype: hidden.dtype) : null;
        var states = Timesteps(hidden);                                            // [(R,) B, H] per timestep (views)
        var preRows = pre is null ? null : Timesteps(pre);
        var whhT = Run(_whh.transpose(1, 2));
        var previous = Run(h0);
        for (int t = 0; t < steps; t++)
        {
            var at = AddProduct(states[t], previous, whhT);                         // a_t = W_xh x_t + b_h + h_{t−1} W_hhᵀ
            preRows?[t].copy_(at.narrow(-2, 0, kept));
            previous = Activations.ApplyInPlace(_activation, at);                   // h_t = f(a_t)
        }
        return pre;
    }

    /// <summary>log p(next char) [R, T·B, V] from the hidden states [R, T, B, H].</summary>
    public Tensor Head(Tensor hidden)
    {
        long n = hidden.shape[1] * hidden.shape[2];
        return PerRun(r => hidden[r].view(n, -1).matmul(_why[r].t()).add_(_by[r], One)).log_softmax(2);
    }

    /// <summary>
    /// Backpropagates each run's mean cross-entropy against <paramref name="targets"/> [R, T, B] (with
    /// <paramref name="weights"/> [R, T, B], each run's weighted mean Σ w·ℓ / Σ w): parameter gradients [R, …], the
    /// local gradients ∂L_t/∂h_t through the head and δ_t = ∂L/∂h_t [R, T, B, H].
    /// </summary>
    public StackedGradients Backward(StackedPass pass, Tensor targets, Tensor? weights = null)
    {
        var (why, by, local) = HeadBackward(pass, targets, weights);
        var (delta, da) = RecurBackward(pass, local);
        var (e, wxh, whh, bh) = WeightGradients(pass, da);
        return new StackedGradients(e, wxh, whh, bh, why, by, local, delta);
    }

    /// <summary>Gradients of W_hy and b_y, and the local gradients ∂L_t/∂h_t [R, T, B, H] through the head.</summary>
    public (Tensor Why, Tensor By, Tensor Local) HeadBackward(StackedPass pass, Tensor targets, Tensor? weights = null)
    {
        long runs = Runs, steps = targets.shape[1], batch = targets.shape[2], n = steps * batch;
        var dlogits = pass.LogProbabilities.exp();                                  // softmax
        dlogits.scatter_add_(2, targets.view(runs, n, 1), full(runs, n, 1, MinusOneDouble, dtype: dlogits.dtype));  // p − onehot
        if (weights is null) With(n, s => dlogits.div_(s));                           // ∂(mean)/∂logits
        else for (int r = 0; r < runs; r++)                                         // w (p − onehot) / Σ w
            dlogits[r].mul_(weights[r].reshape(-1, 1)).div_(WeightTotal(weights[r]));
        var hidden = pass.Hidden.view(runs, n, -1);
        var why = PerRun(r => dlogits[r].t().matmul(hidden[r]));
        var by = PerRun(r => dlogits[r].sum(dim: 0));
        var local = PerRun(r => dlogits[r].matmul(_why[r]).view(steps, batch, -1));
        return (why, by, local);
    }

    /// <summary>Σ w of a weighted loss (at least 1e-30, so a window without a scored character has loss and gradients 0).</summary>
    public static Tensor WeightTotal(Tensor weights) => With(1e-30, weights.sum().clamp_min);

    /// <summary>
    /// The backward recurrence from the local gradients [R, T, B, H]: δ_t = ∂L/∂h_t (local plus what flows back from
    /// t + 1) and ∂L/∂a_t = δ_t ⊙ f'(a_t), both [R, T, B, H].
    /// </summary>
    public (Tensor Delta, Tensor PreActivationGrad) RecurBackward(StackedPass pass, Tensor local)
    {
        var delta = local.clone();
        var da = Activations.DerivativeFromOutput(_activation, pass.Hidden);       // f'(a_t), then ∂L/∂a_t in place
        var deltaRows = Timesteps(delta);
        var daRows = Timesteps(da);
        var whh = Run(_whh);
        for (int t = deltaRows.Length - 1; t >= 0; t--)
        {
            if (t < deltaRows.Length - 1) AddProduct(deltaRows[t], daRows[t + 1], whh);   // δ_t += ∂L/∂a_{t+1} W_hh
            daRows[t].mul_(deltaRows[t]);                                           // ∂L/∂a_t = δ_t ⊙ f'(a_t)
        }
        return (delta, da);
    }

    /// <summary>Gradients of E (null with one-hot input), W_xh, W_hh and b_h from ∂L/∂a_t [R, T, B, H], each one large matmul per run.</summary>
    public (Tensor? E, Tensor Wxh, Tensor Whh, Tensor Bh) WeightGradients(StackedPass pass, Tensor da)
    {
        long n = da.shape[1] * da.shape[2], h = da.shape[3];
        var daFlat = da.view(Runs, n, h);
        // Σ_t ∂L/∂a_t h_{t−1}ᵀ: t = 0 against h_0, t ≥ 1 against the stored states as they lie (no copy of all T·B·H
        // shifted states, a fresh large allocation per step that cost a quarter of this phase at H = 512).
        var whh = PerRun(r => da[r, 0].t().matmul(pass.H0[r]).addmm_(da[r, 1..].reshape(-1, h).t(), pass.Hidden[r, ..^1].reshape(-1, h)));
        var bh = PerRun(r => daFlat[r].sum(dim: 0));
        if (pass.Embedded is null)
        {
            // Rows of a contiguous [V, H] buffer, then transposed into W_xh: a scatter into W_xh's strided columns was ~4× slower.
            long vocabulary = _wxh.shape[2];
            return (null, PerRun(r => zeros(vocabulary, h, dtype: da.dtype).index_add_(0, pass.Inputs[r].flatten(), daFlat[r], One).t()), whh, bh);
        }
        var wxh = PerRun(r => daFlat[r].t().matmul(pass.Embedded[r]));
        var e = PerRun(r => zeros_like(_e![r]).index_add_(0, pass.Inputs[r].flatten(), daFlat[r].matmul(_wxh[r]), One));
        return (e, wxh, whh, bh);
    }

    /// <summary>
    /// The per-timestep views of a [R, T, …] tensor, as the recurrence loops use them: [B, H] rows of a single run
    /// (so its loop runs exactly the operations of a network alone, with no per-step indexing), [R, B, H] for a stack.
    /// </summary>
    private Tensor[] Timesteps(Tensor t) => Runs == 1 ? t[0].unbind(0) : t.unbind(1);

    /// <summary>A [R, …] operand of the per-timestep products: run 0's [..] for a single run, the stack otherwise.</summary>
    private Tensor Run(Tensor t) => Runs == 1 ? t[0] : t;

    /// <summary>
    /// <paramref name="into"/> += <paramref name="a"/> · <paramref name="b"/> in place, on the views of
    /// <see cref="Timesteps"/> and <see cref="Run"/>: one <c>addmm</c> for a single run, one <c>bmm</c> for a stack.
    /// Returns <paramref name="into"/>.
    /// </summary>
    private Tensor AddProduct(Tensor into, Tensor a, Tensor b) => Runs == 1 ? into.addmm_(a, b) : into.add_(a.bmm(b), One);

    /// <summary>Run r's part of a result for every run, stacked along a leading run axis (a view for a single run).</summary>
    private Tensor PerRun(Func<int, Tensor> part) =>
        Runs == 1 ? part(0).unsqueeze(0) : stack(Enumerable.Range(0, Runs).Select(part).ToArray());
}

/// <summary>A forward pass of a <see cref="Recurrence"/>: <see cref="ForwardPass"/>'s tensors with a leading run axis.</summary>
/// <param name="Inputs">Character indices [R, T, B].</param>
/// <param name="H0">Initial hidden states [R, B, H].</param>
/// <param name="Embedded">Embedded inputs [R, T·B, D]; null with one-hot input.</param>
/// <param name="PreActivations">a_t of the first sequences of every run [R, T, P, H], or null.</param>
/// <param name="Hidden">h_t [R, T, B, H].</param>
/// <param name="LogProbabilities">log p(next char) [R, T·B, V].</param>
internal sealed record StackedPass(Tensor Inputs, Tensor H0, Tensor? Embedded, Tensor? PreActivations, Tensor Hidden, Tensor LogProbabilities)
{
    /// <summary>A single run's pass with a run axis of 1 (views).</summary>
    public static StackedPass Of(ForwardPass pass) => new(pass.Inputs.unsqueeze(0), pass.H0.unsqueeze(0), pass.Embedded?.unsqueeze(0),
        pass.PreActivations?.unsqueeze(0), pass.Hidden.unsqueeze(0), pass.LogProbabilities.unsqueeze(0));

    /// <summary>
    /// Run <paramref name="run"/>'s pass as <see cref="CharRnnNetwork.Forward"/> returns it (views), with the
    /// pre-activations of its first <paramref name="keepPreActivations"/> sequences.
    /// </summary>
    public ForwardPass Run(int run, int keepPreActivations) => new(
        Inputs[run], H0[run], Embedded?[run],
        keepPreActivations > 0 ? PreActivations![run, .., ..keepPreActivations] : null,
        Hidden[run], LogProbabilities[run]);
}

/// <summary>What <see cref="Recurrence.Backward"/> computes: parameter gradients [R, …], δ and the local gradients [R, T, B, H].</summary>
internal sealed record StackedGradients(Tensor? E, Tensor Wxh, Tensor Whh, Tensor Bh, Tensor Why, Tensor By, Tensor Local, Tensor Delta)
{
    /// <summary>Copies run <paramref name="run"/>'s parameter gradients into <paramref name="grads"/>; returns its local gradients and δ [T, B, H].</summary>
    public (Tensor Local, Tensor Delta) CopyRun(int run, CharRnnWeights grads)
    {
        Tensor?[] stacked = [E, Wxh, Whh, Bh, Why, By];
        foreach (var ((_, to), from) in grads.Named().Zip(stacked.Where(t => t is not null))) to.copy_(from![run]);
        return (Local[run], Delta[run]);
    }
}
