using System.Diagnostics;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Engine;

/// <summary>
/// Everything one run's training reads and writes, in one place: its spec, text and window stream, the state that
/// determines the rest of the run (<see cref="TrainingState"/>: weights, optimiser, carried state, data cursor, step),
/// the non-finite recovery, the stability analyzer, where its records go, its clock and counters.
/// <see cref="TrainingStep"/> reads and writes it; <see cref="TrainingSession"/> is its public front. Not thread-safe.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    private readonly WindowStream _stream;
    private readonly long[] _inputs, _targets;
    private readonly float[]? _lossWeights;
    private int _stepsThisProcess;

    /// <summary>A run of <paramref name="spec"/> on <paramref name="corpus"/> from <paramref name="weights"/> (owned from now on), at step 0.</summary>
    public TrainingRun(RunSpec spec, CharCorpus corpus, IRunSink sink, CharRnnWeights weights)
    {
        (Spec, Corpus, Sink) = (spec, corpus, sink);
        _stream = corpus.Windows(corpus.Train, spec);
        State = new TrainingState(weights, spec.Training, _stream.BatchSize);
        Network = new CharRnnNetwork(weights, spec.Model.Activation);
        Recovery = new NonFiniteRecovery(spec, State);
        Analyzer = new StabilityAnalyzer(spec.Diagnostics);
        _inputs = new long[_stream.WindowLength * _stream.BatchSize];
        _targets = new long[_inputs.Length];
        _lossWeights = corpus.TrainWeights is null ? null : new float[_inputs.Length];
    }

    /// <summary>The spec being trained.</summary>
    public RunSpec Spec { get; }

    /// <summary>The text (and its vocabulary).</summary>
    public CharCorpus Corpus { get; }

    /// <summary>Where the run's records go.</summary>
    public IRunSink Sink { get; }

    /// <summary>Weights, optimiser, carried state [B, S], data cursor and the next step (0-based).</summary>
    public TrainingState State { get; }

    /// <summary>The network over the live weights of <see cref="State"/>.</summary>
    public CharRnnNetwork Network { get; }

    /// <summary>The non-finite policy's state: rollback snapshot, learning-rate scale, event count.</summary>
    public NonFiniteRecovery Recovery { get; }

    /// <summary>The stability diagnostics (it keeps the Lyapunov estimate's state between analyses).</summary>
    public StabilityAnalyzer Analyzer { get; }

    /// <summary>Training time in this process: runs while a <see cref="TrainingBatch"/> trains the run.</summary>
    public Stopwatch Clock { get; } = new();

    /// <summary>Training time of earlier processes (from the checkpoint).</summary>
    public double ElapsedBefore { get; set; }

    /// <summary>Training time of all processes so far.</summary>
    public double ElapsedSeconds => ElapsedBefore + Clock.Elapsed.TotalSeconds;

    /// <summary>Seconds spent in the stability diagnostics in this process.</summary>
    public double DiagnosticsSeconds { get; set; }

    /// <summary>Steps whose gradients were clipped, over all processes.</summary>
    public int Clipped { get; set; }

    /// <summary>Characters per step: window length T times streams B (B fitted to the text).</summary>
    public int CharactersPerStep => _inputs.Length;

    /// <summary>Configured number of steps.</summary>
    public int TotalSteps => Spec.Training.Steps;

    /// <summary>Learning rate at <paramref name="step"/>: the schedule times ½ per rollback.</summary>
    public double LearningRate(int step)
    {
        double lr = Spec.Training.LearningRate * Recovery.LearningRateScale;
        return Spec.Training.Schedule == LearningRateSchedule.Cosine
            ? lr * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * step / Math.Max(1, TotalSteps))))
            : lr;
    }

    /// <summary>Steps between two stability analyses (<see cref="DiagnosticsOptions.Period"/>); 0 when they are off.</summary>
    public int DiagnosticsPeriod => Spec.Diagnostics.Period(Spec.Model.HiddenSize, Spec.SequenceLength, Spec.Training.BatchSize);

    /// <summary>Whether step <paramref name="step"/> is analysed: every <see cref="DiagnosticsPeriod"/> steps and the last.</summary>
    public bool DiagnosticsDue(int step) => DiagnosticsPeriod > 0 && (step % DiagnosticsPeriod == 0 || step == TotalSteps - 1);

    /// <summary>Whether the run evaluates now, after a step: every <see cref="TrainingOptions.EvalEvery"/> steps and after the last.</summary>
    public bool EvaluationDue => Spec.Training.EvalEvery > 0 && (State.Step % Spec.Training.EvalEvery == 0 || State.Step == TotalSteps);

    /// <summary>Whether every step ran (or, with <paramref name="until"/>, that step is next).</summary>
    public bool Finished(int? until) => State.Step >= Math.Min(TotalSteps, until ?? TotalSteps);

    /// <summary>
    /// The next window of the step about to run, as [T, B] tensors (call inside its dispose scope); the carried state is
    /// reset at an epoch start (over episodes: always).
    /// </summary>
    public StepWindow NextWindow()
    {
        int step = State.Step, cursor = State.Cursor;
        _stream.Cursor = cursor;
        if (_stream.ResetsState) State.Hidden.zero_();
        _stream.Next(_inputs, _targets, Corpus.TrainWeights, _lossWeights);
        State.Cursor = _stream.Cursor;
        long[] shape = [_stream.WindowLength, _stream.BatchSize];
        return new StepWindow(step, cursor, tensor(_inputs, shape), tensor(_targets, shape),
            _lossWeights is null ? null : tensor(_lossWeights, shape), DiagnosticsDue(step) ? Spec.Diagnostics.ProbeSequences : 0);
    }

    /// <summary>Counts step <paramref name="step"/> (of loss <paramref name="loss"/>, NaN when it failed) as trained in this process and returns the progress after it.</summary>
    public TrainingProgress CountStep(int step, double loss)
    {
        _stepsThisProcess++;
        return new TrainingProgress(step, TotalSteps, loss, loss / Math.Log(2),
            _stepsThisProcess * CharactersPerStep / Math.Max(1e-9, Clock.Elapsed.TotalSeconds),
            (double)Clipped / Math.Max(1, State.Step), Recovery.Events, Clock.Elapsed.TotalSeconds, DiagnosticsSeconds);
    }

    /// <summary>
    /// Validation loss at the current weights: up to <see cref="TrainingOptions.EvalWindows"/> consecutive windows of the
    /// validation split, read as parallel streams with the hidden state carried between windows (over episodes: each
    /// from zero), counting the characters the training loss counts. Call inside TorchGuard.
    /// </summary>
    public EvaluationRecord Evaluate()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var stream = Corpus.Windows(Corpus.Validation, Spec);
        var inputs = new long[stream.WindowLength * stream.BatchSize];
        var targets = new long[inputs.Length];
        var weights = Corpus.ValidationWeights is null ? null : new float[inputs.Length];
        long[] shape = [stream.WindowLength, stream.BatchSize];
        double loss = 0, total = 0;
        int windows = Math.Min(Spec.Training.EvalWindows, stream.WindowsPerEpoch);
        var reader = new ChunkedReader(Network, stream.BatchSize);
        for (int w = 0; w < windows; w++)
        {
            if (stream.ResetsState) reader.Hidden.zero_();
            reader.Read(stream.WindowLength, stream.WindowLength,
                (_, _, window) => { stream.Next(inputs, targets, Corpus.ValidationWeights, weights); inputs.CopyTo(window); },
                (_, pass) =>
                {
                    double counted = weights is null ? inputs.Length : weights.Sum();
                    if (counted == 0) return;
                    loss += counted * CharRnnNetwork.Loss(pass, tensor(targets, shape), weights is null ? null : tensor(weights, shape)).item<float>();
                    total += counted;
                });
        }
        loss = total == 0 ? double.NaN : loss / total;
        return new EvaluationRecord(State.Step, loss, loss / Math.Log(2));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        State.Dispose();
        Recovery.Dispose();
    }
}

/// <summary>
/// A step's window: its step number, the data cursor before it, [T, B] characters and targets, the [T, B] loss weights
/// (null: every character counts) and how many sequences the diagnostics trace (0: the step is not analysed).
/// </summary>
internal sealed record StepWindow(int Step, int Cursor, Tensor Inputs, Tensor Targets, Tensor? LossWeights, int Keep);
