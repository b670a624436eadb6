using RnnPipeline.Options;
using RnnPipeline.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnPipeline.Bench;

/// <summary>
/// The reference point of the benchmark: the same character model built from TorchSharp's fused <c>nn.RNN</c> (tanh),
/// <c>nn.LSTM</c> or <c>nn.GRU</c> and <c>nn.Linear</c>, trained with autograd, <c>torch.optim.Adam</c> and
/// <c>clip_grad_norm_</c>.
/// </summary>
internal sealed class FusedRnnBaseline : nn.Module
{
    private readonly RNN? _rnn;
    private readonly LSTM? _lstm;
    private readonly GRU? _gru;
    private readonly Linear _head;
    private readonly optim.Optimizer _optimizer;
    private readonly int _vocabulary;
    private readonly double _clip;
    private Tensor _hidden, _cell;

    /// <summary>Creates the model of <paramref name="cell"/> and its optimiser.</summary>
    public FusedRnnBaseline(int vocabulary, int hidden, int batch, double learningRate, double clip, int seed, RecurrentCell cell = RecurrentCell.Rnn)
        : base(nameof(FusedRnnBaseline))
    {
        manual_seed(seed);
        _vocabulary = vocabulary;
        _clip = clip;
        switch (cell)
        {
            case RecurrentCell.Lstm: _lstm = nn.LSTM(vocabulary, hidden); break;
            case RecurrentCell.Gru: _gru = nn.GRU(vocabulary, hidden); break;
            default: _rnn = nn.RNN(vocabulary, hidden, nonLinearity: nn.NonLinearities.Tanh); break;
        }
        _head = nn.Linear(hidden, vocabulary);
        RegisterComponents();
        _optimizer = optim.Adam(parameters(), learningRate);
        _hidden = zeros(1, batch, hidden).DetachFromDisposeScope();
        _cell = zeros(1, batch, hidden).DetachFromDisposeScope();
    }

    /// <summary>The layer's outputs h_t [T, B, H] from the carried state, and its last state.</summary>
    private (Tensor Output, Tensor Hidden, Tensor? Cell) Recur(Tensor x)
    {
        if (_lstm is not null)
        {
            var (output, h, c) = _lstm.call(x, (_hidden, _cell));
            return (output, h, c);
        }
        var (o, last) = _gru is not null ? _gru.call(x, _hidden) : _rnn!.call(x, _hidden);
        return (o, last, null);
    }

    /// <summary>
    /// One training step on time-major [T, B] character indices (flattened); returns the loss. With
    /// <paramref name="timer"/>, the forward pass with loss, backward, clipping and optimiser are timed as phases.
    /// </summary>
    public float Step(long[] inputIds, long[] targetIds, int steps, int batch, PhaseTimer? timer = null) => TorchGuard.Run(() =>
    {
        using var scope = NewDisposeScope();
        var inputs = tensor(inputIds, [steps, batch]);
        var targets = tensor(targetIds, [steps, batch]);
        timer?.Start();
        _optimizer.zero_grad();
        var (output, last, lastCell) = Recur(nn.functional.one_hot(inputs, _vocabulary).to(float32));
        var loss = nn.functional.cross_entropy(_head.call(output).reshape(-1, _vocabulary), targets.flatten());
        float value = loss.item<float>();
        timer?.Mark("forward + loss");
        loss.backward();
        timer?.Mark("backward (autograd)");
        nn.utils.clip_grad_norm_(parameters(), _clip);
        timer?.Mark("norm + clipping");
        _optimizer.step();
        timer?.Mark("optimiser");
        _hidden.copy_(last.detach());
        if (lastCell is not null) _cell.copy_(lastCell.detach());
        return value;
    });

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hidden.Dispose();
            _cell.Dispose();
        }
        base.Dispose(disposing);
    }
}
