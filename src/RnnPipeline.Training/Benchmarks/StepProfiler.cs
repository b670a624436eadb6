using RnnPipeline.Options;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Optim;
using RnnPipeline.Training.Text;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Benchmarks;

/// <summary>
/// Where the time of one training step goes: the same calls, in the same order, as the session's step without
/// diagnostics (batch, forward, loss and non-finite check, backward, norm and clipping, optimiser, carried state,
/// gradient-flow record), each phase timed with a <see cref="PhaseTimer"/>. Benchmark use only; the session's step
/// stays free of timing code.
/// </summary>
public sealed class StepProfiler : IDisposable
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
        using var guard = TorchGuard.Enter();
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
    /// One stability analysis at the current weights on the next window, as a logged step runs it (trace copies, the
    /// analysis sequence, then <see cref="StabilityAnalyzer.Analyze"/>), each part timed into <paramref name="timer"/>.
    /// </summary>
    public void Analyze(PhaseTimer timer)
    {
        using var guard = TorchGuard.Enter();
        using var scope = NewDisposeScope();
        _stream.Next(_inputs, _targets);
        long[] shape = [_stream.WindowLength, _stream.BatchSize];
        var targets = tensor(_targets, shape);
        var pass = _network.Forward(tensor(_inputs, shape), _hidden, _spec.Diagnostics.ProbeSequences);
        var (local, delta) = _network.Backward(pass, targets, _grads);
        timer.Start();
        var (window, analysis) = AnalysisSequence.Traces(_network, pass, local, delta, _validation, _spec.Diagnostics);
        timer.Mark("trace + analysis sequence");
        _analyzer.Analyze(0, window, analysis, timer);
    }

    /// <summary>Runs one timed step (at the spec's base learning rate).</summary>
    public void Step()
    {
        using var guard = TorchGuard.Enter();
        using var scope = NewDisposeScope();
        var t = Timer;
        t.Start();
        if (_stream.AtEpochStart) _hidden.zero_();
        _stream.Next(_inputs, _targets);
        long[] shape = [_stream.WindowLength, _stream.BatchSize];
        var (inputs, targets) = (tensor(_inputs, shape), tensor(_targets, shape));
        t.Mark("batch");
        var (embedded, hidden) = _network.InputProjection(inputs);
        t.Mark("input projection");
        var pre = _network.Recur(hidden, _hidden);
        t.Mark("forward loop");
        var pass = new ForwardPass(inputs, _hidden, embedded, pre, hidden, _network.Head(hidden));
        float loss = CharRnnNetwork.Loss(pass, targets).item<float>();
        NonFiniteGuard.Forward(loss, pass.Hidden);                              // a float test unless the loss is not finite
        t.Mark("head + loss");
        var local = _network.HeadBackward(pass, targets, _grads);
        t.Mark("head backward");
        var (delta, da) = _network.RecurBackward(pass, local);
        t.Mark("backward loop");
        _network.WeightGradients(pass, da, _grads);
        t.Mark("weight gradients");
        double norm = GradientClipper.GlobalNorm(_grads);
        GradientClipper.Clip(0, _grads, norm, _spec.Clipping);
        t.Mark("norm + clipping");
        _optimizer.Step(_weights, _grads, _spec.Training.LearningRate);
        t.Mark("optimiser");
        _hidden.copy_(pass.Hidden[^1]);
        _ = linalg.vector_norm(delta, 2, dims: [2]).mean([1]).data<float>().ToArray();
        t.Mark("carry + gradient-flow record");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        using var guard = TorchGuard.Enter();
        _weights.Dispose();
        _grads.Dispose();
        _optimizer.Dispose();
        _hidden.Dispose();
    }
}
