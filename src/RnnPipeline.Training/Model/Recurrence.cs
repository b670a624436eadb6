using RnnPipeline.Options;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// The forward pass and the hand-written backpropagation through time of R character RNNs of one shape, written once
/// for one run and for many. Parameters and activations carry a leading run axis ([R, T, B, …]); a single run is
/// R = 1 over views of its own weights (<see cref="Of"/>), a stack of runs holds copies (<see cref="Stack"/>).
/// <para>
/// In float32 up to H = 512 the two recurrence loops are <see cref="RecurrentKernels"/>' fused loops: per timestep one
/// pass does the product with W_hh, the add and the nonlinearity (or, backward, f'(a_t)), with no tensor operation per
/// timestep, and every sum runs in one fixed order, so a run gives the same bits alone and stacked, and on every CPU
/// (checked in the tests). In float64 (the tests' reference) and above H = 512 they are tensor loops, one batched
/// <c>bmm</c> for all runs per timestep (<see cref="AddProduct"/>). The products with T·B rows (head, embedded input
/// projection, weight gradients) run as one matmul per run: for these shapes a <c>bmm</c> was several times slower than
/// R matmuls on the benchmark machine; the one-hot input projection and its gradient are one gather and one index_add
/// over every run's table. A stack saves what each operation costs besides its arithmetic (dispatch, allocation, the
/// call into the kernels), not arithmetic: every run's products, nonlinearities and log-softmax are the same work alone
/// and stacked. The backward loop computes δ_t = ∂L/∂h_t once per timestep (so ‖∂L/∂h_t‖ costs nothing extra) and
/// every weight gradient as one large matmul after the loop. Verified against autograd and torch.nn.RNN in the tests.
/// Call inside a dispose scope.
/// </para>
/// </summary>
internal sealed class Recurrence : IRecurrence
{
    private readonly Activation _activation;
    private readonly Tensor? _e;                                   // [R, V, D]
    private readonly Tensor _wxh, _whh, _bh, _why, _by;            // [R, H, V|D], [R, H, H], [R, H], [R, V, H], [R, V]

    private readonly int _runs;                                    // R, read once: Tensor.shape is a native call and an array

    private Recurrence(Activation activation, Tensor? e, Tensor wxh, Tensor whh, Tensor bh, Tensor why, Tensor by) =>
        (_activation, _e, _wxh, _whh, _bh, _why, _by, _runs) = (activation, e, wxh, whh, bh, why, by, (int)whh.shape[0]);

    /// <summary>One run, over views of <paramref name="weights"/> (they stay live).</summary>
    public static Recurrence Of(CharRnnWeights weights, Activation activation) => Over(new StackedWeights([weights]), activation);

    /// <summary>Copies of the current weights of <paramref name="networks"/> (one shape and one nonlinearity), stacked.</summary>
    /// <exception cref="ArgumentException">The networks differ in shape or nonlinearity.</exception>
    public static Recurrence Stack(IReadOnlyList<CharRnnNetwork> networks)
    {
        var first = networks[0];
        if (networks.Any(n => n.Activation != first.Activation || !SameShape(n.Weights, first.Weights)))
            throw new ArgumentException("stacked networks need one shape and one nonlinearity", nameof(networks));
        return Over(new StackedWeights([.. networks.Select(n => n.Weights)]), first.Activation);
    }

    /// <summary>The networks whose parameters <paramref name="weights"/> holds (one shape), with nonlinearity <paramref name="activation"/>.</summary>
    public static Recurrence Over(StackedWeights weights, Activation activation)
    {
        var p = weights.Parameters;                                                // [E,] W_xh, W_hh, b_h, W_hy, b_y (no b_hh)
        return new(activation, p.Length == 6 ? p[0] : null, p[^5], p[^4], p[^3], p[^2], p[^1]);
    }

    private static bool SameShape(CharRnnWeights a, CharRnnWeights b) =>
        a.Named().Select(p => p.Name).SequenceEqual(b.Named().Select(p => p.Name))
        && a.Named().Zip(b.Named()).All(p => p.First.Value.shape.SequenceEqual(p.Second.Value.shape));

    private int Runs => _runs;

    /// <summary>
    /// Runs the networks over <paramref name="inputs"/> [R, T, B] from hidden states <paramref name="h0"/> [R, B, H].
    /// The pre-activations a_t of the first <paramref name="keepPreActivations"/> sequences of every run are kept.
    /// <paramref name="mark"/> is told the end of the input projection and of the loop.
    /// </summary>
    public StackedPass Forward(Tensor inputs, Tensor h0, int keepPreActivations = 0, Action<string>? mark = null)
    {
        var (embedded, hidden) = InputProjection(inputs);
        mark?.Invoke("input projection");
        var pre = Recur(hidden, h0, keepPreActivations);
        mark?.Invoke("forward loop");
        return new StackedPass(inputs, h0, embedded, pre, hidden, Head(hidden));
    }

    /// <summary>
    /// The embedded inputs [R, T·B, D] (null with one-hot input) and W_xh x_t + b_h for every timestep [R, T, B, H], the
    /// buffer that <see cref="Recur"/> turns into h_t in place.
    /// </summary>
    public (Tensor? Embedded, Tensor Hidden) InputProjection(Tensor inputs)
    {
        long runs = Runs, steps = inputs.shape[1], batch = inputs.shape[2], h = _whh.shape[1];
        var rows = TableRows(inputs);
        Tensor? x = _e is null ? null : _e.view(-1, _e.shape[2]).index_select(0, rows).view(runs, steps * batch, -1);   // [R, T·B, D]
        // W_xh x_t for one-hot x_t: rows of the contiguous table [R·V, H] (W_xhᵀ of every run), one gather for all runs;
        // gathering from W_xhᵀ's strided view cost far more.
        var hidden = x is null
            ? _wxh.transpose(1, 2).contiguous().view(-1, h).index_select(0, rows)
            : PerRun(r => x[r].matmul(_wxh[r].t()));
        return (x, hidden.view(runs, steps, batch, h).add_(_bh.view(runs, 1, 1, h), One));
    }

    /// <summary>
    /// The row of every character of <paramref name="inputs"/> [R, T, B] in a table of V rows per run stacked run after
    /// run ([R·V, …]): run r's characters offset by r·V, flattened [R·T·B].
    /// </summary>
    private Tensor TableRows(Tensor inputs)
    {
        var rows = inputs.reshape(Runs, -1);
        if (Runs == 1) return rows.view(-1);
        long vocabulary = _why.shape[1];
        var offsets = tensor(Enumerable.Range(0, Runs).Select(r => r * vocabulary).ToArray()).view(Runs, 1);
        return rows.add(offsets, One).view(-1);
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
        if (RecurrentKernels.Supports(hidden))
        {
            RecurrentKernels.Forward(hidden, h0, _whh, _activation, pre);
            return pre;
        }
        var states = Timesteps(hidden);                                            // [R, B, H] per timestep (views)
        var preRows = pre is null ? null : Timesteps(pre);
        var whhT = _whh.transpose(1, 2);
        var previous = h0;
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
        long n = hidden.shape[1] * hidden.shape[2], vocabulary = _why.shape[1];
        // The product with W_hy padded by zero rows to a multiple of 8 outputs, the padding dropped: the matmul kernels
        // ran markedly slower on a ragged edge such as V = 62, and the kept outputs are the same sums (bit for bit the
        // unpadded product's with the pinned kernels on the benchmark machine; a run alone and stacked pad alike).
        long padded = (vocabulary + 7) / 8 * 8;
        var why = padded == vocabulary ? _why : cat([_why, zeros(Runs, padded - vocabulary, _why.shape[2], dtype: _why.dtype)], 1);
        Tensor Logits(int r) => hidden[r].view(n, -1).matmul(why[r].t()).narrow(1, 0, vocabulary).add_(_by[r], One);
        // Large logits run by run, each normalised while it is still in cache; small ones in one operation for all runs.
        return RunsPerBlock(n * vocabulary) < Runs ? PerRun(r => Logits(r).log_softmax(1)) : PerRun(Logits).log_softmax(2);
    }

    /// <summary>
    /// Runs whose [T·B, V]-sized float tensors together fit <see cref="BlockBytes"/> (at least 1, at most R): the elementwise
    /// work of the head runs over such blocks of runs, so a stack's large tensors are each worked on while in cache and
    /// small ones (short windows) cost one operation for the block instead of one per run. Every element gets the same
    /// operations either way.
    /// </summary>
    private int RunsPerBlock(long valuesPerRun) => (int)Math.Clamp(BlockBytes / (4 * valuesPerRun), 1, Runs);

    /// <summary>Half the 2 MiB per-core L2 cache of the benchmark machine: one [T·B, V] tensor of T = 128, B = 32, V = 62.</summary>
    private const long BlockBytes = 1L << 20;

    /// <summary>
    /// Backpropagates each run's mean cross-entropy against <paramref name="targets"/> [R, T, B] (with
    /// <paramref name="weights"/> [R, T, B], each run's weighted mean Σ w·ℓ / Σ w): parameter gradients [R, …], the
    /// local gradients ∂L_t/∂h_t through the head and δ_t = ∂L/∂h_t [R, T, B, H]. <paramref name="mark"/> is told the
    /// end of the head's backward pass, of the loop and of the weight gradients.
    /// </summary>
    public StackedGradients Backward(StackedPass pass, Tensor targets, Tensor? weights = null, Action<string>? mark = null)
    {
        var (why, by, local) = HeadBackward(pass, targets, weights);
        mark?.Invoke("head backward");
        var (delta, da) = RecurBackward(pass, local);
        mark?.Invoke("backward loop");
        var (e, wxh, whh, bh) = WeightGradients(pass, da);
        mark?.Invoke("weight gradients");
        return new StackedGradients(e, wxh, whh, bh, why, by, local, delta);
    }

    /// <summary>Gradients of W_hy and b_y, and the local gradients ∂L_t/∂h_t [R, T, B, H] through the head.</summary>
    public (Tensor Why, Tensor By, Tensor Local) HeadBackward(StackedPass pass, Tensor targets, Tensor? weights = null)
    {
        long runs = Runs, steps = targets.shape[1], batch = targets.shape[2], n = steps * batch;
        var hidden = pass.Hidden.view(runs, n, -1);
        int block = RunsPerBlock(n * pass.LogProbabilities.shape[2]);
        var minusOnes = full(block, n, 1, MinusOneDouble, dtype: pass.LogProbabilities.dtype);
        var (why, by, local) = (new Tensor[runs], new Tensor[runs], new Tensor[runs]);
        for (int first = 0; first < runs; first += block)                           // a block of runs at a time, see RunsPerBlock
        {
            int count = (int)Math.Min(block, runs - first);
            var dlogits = pass.LogProbabilities.narrow(0, first, count).exp();      // softmax
            dlogits.scatter_add_(2, targets.narrow(0, first, count).view(count, n, 1), minusOnes.narrow(0, 0, count));  // p − onehot
            if (weights is null) With(n, s => dlogits.div_(s));                       // ∂(mean)/∂logits
            for (int r = first; r < first + count; r++)
            {
                var d = dlogits[r - first];
                if (weights is not null) d.mul_(weights[r].reshape(-1, 1)).div_(WeightTotal(weights[r]));   // w (p − onehot) / Σ w
                (why[r], by[r], local[r]) = (d.t().matmul(hidden[r]), d.sum(dim: 0), d.matmul(_why[r]).view(steps, batch, -1));
            }
        }
        return (Stacked(why), Stacked(by), Stacked(local));
    }

    /// <summary>
    /// Each run's mean cross-entropy (nats per character) [R] of <paramref name="pass"/> against <paramref name="targets"/>
    /// [R, T, B]; with <paramref name="weights"/> [R, T, B] each run's weighted mean Σ w·ℓ / Σ w.
    /// </summary>
    public static Tensor Losses(StackedPass pass, Tensor targets, Tensor? weights = null)
    {
        long runs = targets.shape[0];
        var nll = -pass.LogProbabilities.gather(2, targets.view(runs, -1, 1)).view(runs, -1);   // [R, T·B]
        if (weights is null) return nll.mean([1]);
        var w = weights.view(runs, -1);
        return nll.mul(w).sum(1).div(With(1e-30, w.sum(1).clamp_min));
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
        if (RecurrentKernels.Supports(delta))
        {
            RecurrentKernels.Backward(delta, da, _whh);
            return (delta, da);
        }
        var deltaRows = Timesteps(delta);
        var daRows = Timesteps(da);
        var whh = _whh;
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
        long runs = Runs, vocabulary = _why.shape[1];
        var rows = TableRows(pass.Inputs);
        if (pass.Embedded is null)
        {
            // Rows of a contiguous [R·V, H] buffer (every run's table, one index_add for all runs: each row still adds its
            // characters in order), then transposed into W_xh: a scatter into W_xh's strided columns was ~4× slower.
            var table = zeros(runs * vocabulary, h, dtype: da.dtype).index_add_(0, rows, daFlat.view(-1, h), One);
            return (null, table.view(runs, vocabulary, h).transpose(1, 2), whh, bh);
        }
        var wxh = PerRun(r => daFlat[r].t().matmul(pass.Embedded[r]));
        long width = _e!.shape[2];
        var dx = PerRun(r => daFlat[r].matmul(_wxh[r]));                            // ∂L/∂x_t [R, T·B, D]
        var e = zeros(runs * vocabulary, width, dtype: da.dtype).index_add_(0, rows, dx.view(-1, width), One).view(runs, vocabulary, width);
        return (e, wxh, whh, bh);
    }

    /// <summary>The per-timestep [R, B, H] views of a [R, T, …] tensor, as the recurrence loops use them (taken once, no indexing per step).</summary>
    private static Tensor[] Timesteps(Tensor t) => t.unbind(1);

    /// <summary><paramref name="into"/> += <paramref name="a"/> · <paramref name="b"/> in place, one <c>bmm</c> for all runs; returns <paramref name="into"/>.</summary>
    private static Tensor AddProduct(Tensor into, Tensor a, Tensor b) => into.add_(a.bmm(b), One);

    /// <summary>Run r's part of a result for every run, stacked along a leading run axis (a view for a single run).</summary>
    private Tensor PerRun(Func<int, Tensor> part) => Stacked([.. Enumerable.Range(0, Runs).Select(part)]);

    /// <summary>Every run's part stacked along a leading run axis (a view for a single run).</summary>
    private static Tensor Stacked(Tensor[] parts) => parts.Length == 1 ? parts[0].unsqueeze(0) : stack(parts);
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
    /// <summary>An LSTM's cell states c_t [R, T, B, H]; null for the other cells.</summary>
    public Tensor? Cells { get; init; }

    /// <summary>A single run's pass with a run axis of 1 (views).</summary>
    public static StackedPass Of(ForwardPass pass) => new(pass.Inputs.unsqueeze(0), pass.H0.unsqueeze(0), pass.Embedded?.unsqueeze(0),
        pass.PreActivations?.unsqueeze(0), pass.Hidden.unsqueeze(0), pass.LogProbabilities.unsqueeze(0)) { Cells = pass.Cells?.unsqueeze(0) };

    /// <summary>
    /// Run <paramref name="run"/>'s pass as <see cref="CharRnnNetwork.Forward"/> returns it (views), with the
    /// pre-activations of its first <paramref name="keepPreActivations"/> sequences.
    /// </summary>
    public ForwardPass Run(int run, int keepPreActivations) => new(
        Inputs[run], H0[run], Embedded?[run],
        keepPreActivations > 0 ? PreActivations![run, .., ..keepPreActivations] : null,
        Hidden[run], LogProbabilities[run]) { Cells = Cells?[run] };
}

/// <summary>
/// What <see cref="IRecurrence.Backward"/> computes: parameter gradients [R, …], δ and the local gradients [R, T, B, S]
/// (S = H but for the LSTM's 2H: its state (h, c); the local gradient's c half is 0).
/// </summary>
internal sealed record StackedGradients(Tensor? E, Tensor Wxh, Tensor Whh, Tensor Bh, Tensor Why, Tensor By, Tensor Local, Tensor Delta)
{
    /// <summary>Gradient of a gated cell's b_hh [R, G·H]; null for the vanilla unit.</summary>
    public Tensor? Bhh { get; init; }

    /// <summary>The parameter gradients [R, …] in <see cref="CharRnnWeights.Named"/> order.</summary>
    public Tensor[] Parameters => [.. new[] { E, Wxh, Whh, Bh, Bhh, Why, By }.OfType<Tensor>()];

    /// <summary>The parameter names of <see cref="Parameters"/>.</summary>
    public IEnumerable<string> Names => CharRnnWeights.Names.Zip(new[] { E, Wxh, Whh, Bh, Bhh, Why, By }).Where(p => p.Second is not null).Select(p => p.First);

    /// <summary>Run <paramref name="run"/>'s parameter gradients as a stack of one ([1, …] views, in <see cref="CharRnnWeights.Named"/> order).</summary>
    public Tensor[] OfRun(int run) => [.. Parameters.Select(p => p.narrow(0, run, 1))];

    /// <summary>Mean over the batch of ‖δ_t‖₂ for every run and timestep, run-major (R·T values): the gradient-flow records.</summary>
    public float[] FlowNorms() => linalg.norm(Delta, dims: [3]).mean([2]).data<float>().ToArray();

    /// <summary>Copies run <paramref name="run"/>'s parameter gradients into <paramref name="grads"/>; returns its local gradients and δ [T, B, H].</summary>
    public (Tensor Local, Tensor Delta) CopyRun(int run, CharRnnWeights grads)
    {
        foreach (var ((_, to), from) in grads.Named().Zip(Parameters)) to.copy_(from[run]);
        return (Local[run], Delta[run]);
    }
}

/// <summary>The forward pass and backpropagation through time of a recurrent layer: <see cref="Recurrence"/> or <see cref="GatedRecurrence"/>.</summary>
internal interface IRecurrence
{
    /// <summary>
    /// Runs the networks over <paramref name="inputs"/> [R, T, B] from states <paramref name="h0"/> [R, B, S], keeping the
    /// pre-activations of the first <paramref name="keepPreActivations"/> sequences; <paramref name="mark"/> (a phase
    /// timer) is told the end of each inner phase by name.
    /// </summary>
    StackedPass Forward(Tensor inputs, Tensor h0, int keepPreActivations = 0, Action<string>? mark = null);

    /// <summary>
    /// Backpropagates each run's (weighted) mean cross-entropy of <paramref name="pass"/> against <paramref name="targets"/>
    /// [R, T, B]; <paramref name="mark"/> (a phase timer) is told the end of each inner phase by name.
    /// </summary>
    StackedGradients Backward(StackedPass pass, Tensor targets, Tensor? weights = null, Action<string>? mark = null);
}
