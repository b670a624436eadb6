using RnnPipeline.Options;
using RnnPipeline.Training;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Optim;
using RnnPipeline.Training.Text;
using static TorchSharp.torch;

namespace RnnPipeline.Bench;

/// <summary>
/// Where the time of one training step goes: the phases of the session's step without diagnostics (batch, the
/// <see cref="Recurrence"/>'s forward and backward phases, loss and non-finite check, norm and clipping, optimiser,
/// carried state, gradient-flow record), each the library's own method, timed with a <see cref="PhaseTimer"/>.
/// </summary>
internal sealed class StepProfiler : IDisposable
{
    private readonly RunSpec _spec;
    private readonly WindowStream _stream;
    private readonly CharRnnWeights _weights, _grads;
    private readonly CharRnnNetwork _network;
    private readonly Optimizer _optimizer;
    private readonly Tensor _hidden;
    private readonly long[] _inputs, _targets;
    private readonly long[] _validation;
    private readonly StabilityAnalyzer _analyzer;

    /// <summary>The weights being trained.</summary>
    public CharRnnWeights Weights => _weights;

    /// <summary>Phase times of the steps run so far.</summary>
    public PhaseTimer Timer { get; } = new();

    /// <summary>A model initialised as <see cref="TrainingSession.Create"/> does for <paramref name="spec"/>.</summary>
    public StepProfiler(RunSpec spec, CharCorpus corpus)
    {
        _spec = spec;
        _stream = new WindowStream(corpus.Train, spec.Training.BatchSize, spec.Training.WindowLength);
        _weights = CharRnnWeights.Create(spec.Model, corpus.Vocabulary.Size, spec.Training.Seed);
        _grads = _weights.ZerosLike();
        _network = new CharRnnNetwork(_weights, spec.Model.Activation);
        _optimizer = new Optimizer(spec.Training, _weights);
        _hidden = zeros(_stream.BatchSize, _weights.Hidden).DetachFromDisposeScope();
        _inputs = new long[_stream.WindowLength * _stream.BatchSize];
        _targets = new long[_inputs.Length];
        _validation = corpus.Validation;
        _analyzer = new StabilityAnalyzer(spec.Diagnostics);
    }

    /// <summary>
    /// One stability analysis at the current weights on the next window, as a logged step runs it: the trace copies and
    /// the analysis sequence, then <see cref="StabilityAnalyzer.Analyze"/>, each timed into <paramref name="timer"/>.
    /// </summary>
    public void Analyze(PhaseTimer timer) => TorchGuard.Run(() =>
    {
        using var scope = NewDisposeScope();
        _stream.Next(_inputs, _targets);
        long[] shape = [_stream.WindowLength, _stream.BatchSize];
        var targets = tensor(_targets, shape);
        var pass = _network.Forward(tensor(_inputs, shape), _hidden, _spec.Diagnostics.ProbeSequences);
        var (local, delta) = _network.Backward(pass, targets, _grads);
        timer.Start();
        var (window, analysis) = AnalysisSequence.Traces(_network, pass, local, delta, _validation, _spec.Diagnostics);
        timer.Mark("trace + analysis sequence");
        _analyzer.Analyze(0, window, analysis);
        timer.Mark("stability analysis");
    });

    /// <summary>Runs one timed step (at the spec's base learning rate).</summary>
    public void Step() => TorchGuard.Run(() =>
    {
        using var scope = NewDisposeScope();
        var t = Timer;
        t.Start();
        if (_stream.AtEpochStart) _hidden.zero_();
        _stream.Next(_inputs, _targets);
        long[] shape = [_stream.WindowLength, _stream.BatchSize];
        var (inputs, targets) = (tensor(_inputs, shape), tensor(_targets, shape));
        t.Mark("batch");
        var network = _network.Alone;
        var (embedded, hidden) = network.InputProjection(inputs.unsqueeze(0));
        t.Mark("input projection");
        var pre = network.Recur(hidden, _hidden.unsqueeze(0));
        t.Mark("forward loop");
        var stacked = new StackedPass(inputs.unsqueeze(0), _hidden.unsqueeze(0), embedded, pre, hidden, network.Head(hidden));
        var pass = stacked.Run(0, 0);
        float loss = CharRnnNetwork.Loss(pass, targets).item<float>();
        NonFiniteGuard.Forward(loss, pass.Hidden);                              // a float test unless the loss is not finite
        t.Mark("head + loss");
        var (why, by, local) = network.HeadBackward(stacked, targets.unsqueeze(0));
        t.Mark("head backward");
        var (delta, da) = network.RecurBackward(stacked, local);
        t.Mark("backward loop");
        var (e, wxh, whh, bh) = network.WeightGradients(stacked, da);
        new StackedGradients(e, wxh, whh, bh, why, by, local, delta).CopyRun(0, _grads);
        t.Mark("weight gradients");
        double norm = GradientClipper.GlobalNorm(_grads);
        GradientClipper.Clip(0, _grads, norm, _spec.Clipping);
        t.Mark("norm + clipping");
        _optimizer.Step(_weights, _grads, _spec.Training.LearningRate);
        t.Mark("optimiser");
        _hidden.copy_(pass.Hidden[^1]);
        _ = linalg.vector_norm(delta[0], 2, dims: [2]).mean([1]).data<float>().ToArray();
        t.Mark("carry + gradient-flow record");
    });

    /// <inheritdoc />
    public void Dispose() => TorchGuard.Run(() =>
    {
        _weights.Dispose();
        _grads.Dispose();
        _optimizer.Dispose();
        _hidden.Dispose();
    });
}
