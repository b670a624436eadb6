using RnnPipeline.Options;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// The forward pass and backpropagation through time of one character RNN with a gated cell, in PyTorch's gate layout
/// and equations (torch.nn.LSTM, torch.nn.GRU; row-vector code, gate pre-activations x W_ihᵀ + b_ih + h W_hhᵀ + b_hh):
/// <list type="bullet">
/// <item>LSTM (Hochreiter &amp; Schmidhuber 1997, forget gate of Gers et al. 2000): i, f, g, o = σ, σ, tanh, σ of the four
/// blocks; c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t). The recurrent state is s_t = (h_t, c_t), 2H wide.</item>
/// <item>GRU (Cho et al. 2014): r, z = σ of the first two blocks, n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)),
/// h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}. The state is h_t.</item>
/// </list>
/// The forward pass runs without a graph; <see cref="Backward"/> runs it again under autograd and differentiates the
/// loss (docs/performance.md gives the reason and the cost). A gated network always trains alone: it is never stacked
/// with others (see <see cref="TrainingBatch.MaxRuns(Options.RunSpec, Text.CharCorpus)"/>), so every tensor has a run axis of 1. Call inside a dispose scope.
/// </summary>
internal sealed class GatedRecurrence(CharRnnWeights model) : IRecurrence
{
    private readonly RecurrentCell _cell = model.Cell;
    private readonly int _hidden = model.Hidden;

    /// <summary>
    /// Runs the network over <paramref name="inputs"/> [1, T, B] from states <paramref name="h0"/> [1, B, S]. Of the first
    /// <paramref name="keepPreActivations"/> sequences the gate pre-activations are kept (<see cref="Step"/>). One phase:
    /// <paramref name="mark"/> is not told of inner phases.
    /// </summary>
    public StackedPass Forward(Tensor inputs, Tensor h0, int keepPreActivations = 0, Action<string>? mark = null)
    {
        using var _ = no_grad();
        var run = Run(Parameters.Of(model), inputs[0], h0[0], keepPreActivations);
        return new StackedPass(inputs, h0, run.Embedded?.unsqueeze(0), run.PreActivations?.unsqueeze(0), run.Hidden.unsqueeze(0),
            run.LogProbabilities.unsqueeze(0)) { Cells = run.Cells?.unsqueeze(0) };
    }

    /// <summary>
    /// Gradients of the mean (or weighted mean) cross-entropy of <paramref name="pass"/> against <paramref name="targets"/>
    /// [1, T, B]: the forward pass again under autograd, then one <c>autograd.grad</c> for the parameters, the head's local
    /// gradients ∂L_t/∂h_t and the gradient reaching each state, δ_t = ∂L/∂s_t [1, T, B, S]. δ_t is taken in the state
    /// view s_t = F(s_{t−1}, x_t): for the LSTM, δc_t is what reaches c_t from step t + 1 (through c_{t+1} and h_{t+1}),
    /// not the path c_t → h_t of the same step, which δh_t already carries; so δ_{t−1} = J_tᵀ δ_t + local_{t−1}.
    /// One phase: <paramref name="mark"/> is not told of inner phases.
    /// </summary>
    public StackedGradients Backward(StackedPass pass, Tensor targets, Tensor? weights = null, Action<string>? mark = null)
    {
        using var _ = enable_grad();
        var leaves = Parameters.Of(model).Leaves();
        var run = Run(leaves, pass.Inputs[0], pass.H0[0], 0, graph: true);
        var loss = CharRnnNetwork.Loss(new ForwardPass(pass.Inputs[0], pass.H0[0], null, null, run.Hidden, run.LogProbabilities),
            targets[0], weights?[0]);
        var parameters = leaves.All;
        var cells = run.CellNodes is null ? [] : run.CellNodes[..^1];                     // δc_{T−1} = 0: nothing follows it in the window
        var grads = autograd.grad([loss], [.. parameters, run.Hidden, .. run.HiddenNodes!, .. cells]);
        int p = parameters.Length, steps = run.HiddenNodes!.Length;
        var local = grads[p];
        var delta = stack(grads.Skip(p + 1).Take(steps).ToArray());
        if (_cell == RecurrentCell.Lstm)
        {
            var later = grads.Skip(p + 1 + steps).ToArray();                                  // δc_0..δc_{T−2}
            var cellDelta = later.Length == 0 ? zeros_like(delta) : cat([stack(later), zeros_like(delta[^1..])], 0);
            (local, delta) = (cat([local, zeros_like(local)], -1), cat([delta, cellDelta], -1));
        }
        var g = grads.Take(p).Select(t => t.unsqueeze(0)).ToArray();
        int i = 0;
        var e = model.E is null ? null : g[i++];
        return new StackedGradients(e, g[i], g[i + 1], g[i + 2], g[i + 4], g[i + 5], local.unsqueeze(0), delta.unsqueeze(0)) { Bhh = g[i + 3] };
    }

    /// <summary>
    /// One step of <paramref name="cell"/> from the input part <paramref name="xg"/> = x W_ihᵀ + b_ih [B, G·H] and the
    /// state (<paramref name="h"/>, <paramref name="c"/>; c null for the GRU), out of place (so autograd can run through
    /// it). Returns the new state and the step's pre-activations [B, 4H]: LSTM the four gate pre-activations
    /// (x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); GRU r's and z's, then x W_inᵀ + b_in and h W_hnᵀ + b_hn.
    /// </summary>
    public static (Tensor H, Tensor? C, Tensor Pre) Step(RecurrentCell cell, Tensor xg, Tensor h, Tensor? c, Tensor whh, Tensor bhh)
    {
        var hg = h.matmul(whh.t()).add(bhh, One);
        if (cell == RecurrentCell.Lstm)
        {
            var pre = xg.add(hg, One);
            var gates = pre.chunk(4, -1);
            var cNext = gates[1].sigmoid().mul(c!).add(gates[0].sigmoid().mul(gates[2].tanh()), One);
            return (gates[3].sigmoid().mul(cNext.tanh()), cNext, pre);
        }
        var x = xg.chunk(3, -1);
        var r = hg.chunk(3, -1);
        var reset = x[0].add(r[0], One);
        var update = x[1].add(r[1], One);
        var n = x[2].add(reset.sigmoid().mul(r[2]), One).tanh();
        var z = update.sigmoid();
        return (n.add(z.mul(h.sub(n)), One), null, cat([reset, update, x[2], r[2]], -1));   // (1 − z) n + z h
    }

    private Pass Run(Parameters w, Tensor inputs, Tensor state, int keep, bool graph = false)
    {
        long steps = inputs.shape[0], batch = inputs.shape[1];
        int h = _hidden, kept = (int)Math.Min(keep, batch);
        var embedded = w.E is null ? null : w.E.index_select(0, inputs.flatten());                   // [T·B, D]
        var xg = (embedded is null ? w.Wxh.t().index_select(0, inputs.flatten()) : embedded.matmul(w.Wxh.t()))
            .add(w.Bh, One).view(steps, batch, -1);
        var hPrevious = state.narrow(-1, 0, h);
        Tensor? cPrevious = _cell == RecurrentCell.Lstm ? state.narrow(-1, h, h) : null;
        var hidden = new Tensor[steps];
        var cells = _cell == RecurrentCell.Lstm ? new Tensor[steps] : null;
        var pre = kept > 0 ? new Tensor[steps] : null;
        for (int t = 0; t < steps; t++)
        {
            var (hNext, cNext, preT) = Step(_cell, xg[t], hPrevious, cPrevious, w.Whh, w.Bhh);
            hidden[t] = hNext;
            if (pre is not null) pre[t] = preT.narrow(0, 0, kept);
            hPrevious = hNext;
            if (cells is not null)
            {
                cPrevious = graph ? cNext!.clone() : cNext!;                               // a node of its own: δc_t from step t + 1 only
                cells[t] = cPrevious;
            }
        }
        var hiddenAll = stack(hidden);
        var logits = hiddenAll.view(steps * batch, h).matmul(w.Why.t()).add(w.By, One);
        return new Pass(embedded, pre is null ? null : stack(pre), hiddenAll, cells is null ? null : stack(cells), logits.log_softmax(1),
            graph ? hidden : null, graph ? cells : null);
    }

    /// <summary>A forward pass ([T, …] tensors) and, under autograd, its per-step state nodes.</summary>
    private sealed record Pass(Tensor? Embedded, Tensor? PreActivations, Tensor Hidden, Tensor? Cells, Tensor LogProbabilities,
        Tensor[]? HiddenNodes, Tensor[]? CellNodes);

    /// <summary>The parameters a pass reads: the weights themselves, or leaves of autograd that share their storage.</summary>
    private sealed record Parameters(Tensor? E, Tensor Wxh, Tensor Whh, Tensor Bh, Tensor Bhh, Tensor Why, Tensor By)
    {
        public static Parameters Of(CharRnnWeights w) => new(w.E, w.Wxh, w.Whh, w.Bh, w.Bhh!, w.Why, w.By);

        public Parameters Leaves()
        {
            static Tensor Leaf(Tensor t) => t.detach().requires_grad_(true);
            return new(E is null ? null : Leaf(E), Leaf(Wxh), Leaf(Whh), Leaf(Bh), Leaf(Bhh), Leaf(Why), Leaf(By));
        }

        /// <summary>In the order of <see cref="CharRnnWeights.Named"/>.</summary>
        public Tensor[] All => E is null ? [Wxh, Whh, Bh, Bhh, Why, By] : [E, Wxh, Whh, Bh, Bhh, Why, By];
    }
}
