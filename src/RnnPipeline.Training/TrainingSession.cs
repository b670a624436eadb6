using System.Diagnostics;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Optim;
using RnnPipeline.Training.Text;
using static TorchSharp.torch;

namespace RnnPipeline.Training;

/// <summary>
/// One training run: truncated BPTT over a <see cref="CharCorpus"/> with clipping, the non-finite guard, evaluation,
/// stability diagnostics and exact checkpoints. Every record goes to an <see cref="IRunSink"/>. Not thread-safe.
/// </summary>
public sealed partial class TrainingSession : IDisposable
{
    private readonly RunSpec _spec;
    private readonly CharCorpus _corpus;
    private readonly IRunSink _sink;
    private readonly TrainingState _state;
    private readonly CharRnnNetwork _network;
    private readonly WindowStream _stream;
    private readonly StabilityAnalyzer _analyzer;
    private readonly long[] _inputs, _targets;
    private readonly float[]? _weights;
    private readonly NonFiniteRecovery _recovery;
    private double _elapsedBefore, _diagnosticsSeconds;
    private int _clipped, _stepsThisProcess;
    private readonly Stopwatch _clock = new();

    private TrainingSession(RunSpec spec, CharCorpus corpus, IRunSink sink, CharRnnWeights weights)
    {
        (_spec, _corpus, _sink) = (spec, corpus, sink);
        _stream = corpus.Windows(corpus.Train, spec);
        _state = new TrainingState(weights, spec.Training, _stream.BatchSize);
        _network = new CharRnnNetwork(weights, spec.Model.Activation);
        _recovery = new NonFiniteRecovery(spec, _state);
        _analyzer = new StabilityAnalyzer(spec.Diagnostics);
        _inputs = new long[_stream.WindowLength * _stream.BatchSize];
        _targets = new long[_inputs.Length];
        _weights = corpus.TrainWeights is null ? null : new float[_inputs.Length];
    }

    /// <summary>A new run initialised from the spec's seed.</summary>
    public static TrainingSession Create(RunSpec spec, CharCorpus corpus, IRunSink sink) =>
        TorchGuard.Run(() => new TrainingSession(spec, corpus, sink, CharRnnWeights.Create(spec.Model, corpus.Vocabulary.Size, spec.Training.Seed)));

    /// <summary>The spec being trained.</summary>
    public RunSpec Spec => _spec;

    /// <summary>The network (weights are live: they change as training proceeds).</summary>
    internal CharRnnNetwork Network => _network;

    /// <summary>
    /// What a <see cref="TrainingBatch"/> needs to be equal to train runs together: cell or nonlinearity, hidden size, input
    /// encoding, vocabulary size, window length and batch (after the batch is fitted to the text), e.g.
    /// "Tanh H=64 one-hot V=18 T=256 B=32".
    /// </summary>
    public string ShapeKey => ShapeKeyOf(_spec, _corpus);

    /// <summary>The <see cref="ShapeKey"/> a session of <paramref name="spec"/> on <paramref name="corpus"/> has (without creating it).</summary>
    public static string ShapeKeyOf(RunSpec spec, CharCorpus corpus)
    {
        var (window, batch) = FittedWindow(spec, corpus);
        var m = spec.Model;
        return $"{m.Unit} H={m.HiddenSize} {(m.EmbeddingSize > 0 ? $"E={m.EmbeddingSize}" : "one-hot")} V={corpus.Vocabulary.Size} T={window} B={batch}";
    }

    /// <summary>Window length and batch of the training stream (B is reduced when the text is too short for B segments).</summary>
    internal static (int Window, int Batch) FittedWindow(RunSpec spec, CharCorpus corpus)
    {
        var stream = corpus.Windows(corpus.Train, spec);
        return (stream.WindowLength, stream.BatchSize);
    }

    /// <summary>Characters per step: window length T times streams B (B fitted to the text).</summary>
    public int CharactersPerStep => _inputs.Length;

    /// <summary>The corpus (and its vocabulary).</summary>
    public CharCorpus Corpus => _corpus;

    /// <summary>Next optimiser step to run (0-based).</summary>
    public int Step => _state.Step;

    /// <summary>Configured number of steps.</summary>
    public int TotalSteps => _spec.Training.Steps;

    /// <summary>Learning rate at <paramref name="step"/>: the schedule times ½ per rollback.</summary>
    public double LearningRate(int step)
    {
        double lr = _spec.Training.LearningRate * _recovery.LearningRateScale;
        return _spec.Training.Schedule == LearningRateSchedule.Cosine
            ? lr * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * step / Math.Max(1, TotalSteps))))
            : lr;
    }

    /// <summary>
    /// Trains until every step ran (or, with <paramref name="until"/>, until that step is next), <paramref name="cancellation"/>
    /// fires (after the current step) or a halt.
    /// </summary>
    public RunStatus Train(CancellationToken cancellation, Action<TrainingProgress>? progress = null, int? until = null) =>
        new TrainingBatch([this]).Train(cancellation, progress is null ? null : (_, p) => progress(p), until)[0];

    /// <summary>Whether every step ran (or, with <paramref name="until"/>, that step is next).</summary>
    internal bool Finished(int? until) => Step >= Math.Min(TotalSteps, until ?? TotalSteps);

    /// <summary>The clock of training time in this process (runs while <see cref="Train"/> or a batch trains this run).</summary>
    internal Stopwatch Clock => _clock;

    internal void Report(int step, double loss, Action<TrainingProgress>? progress)
    {
        _stepsThisProcess++;
        progress?.Invoke(new TrainingProgress(step, TotalSteps, loss, loss / Math.Log(2),
            _stepsThisProcess * _inputs.Length / Math.Max(1e-9, _clock.Elapsed.TotalSeconds),
            (double)_clipped / Math.Max(1, Step), _recovery.Events, _clock.Elapsed.TotalSeconds, _diagnosticsSeconds));
    }

    /// <summary>The next window of the step about to run (call inside its dispose scope); resets the carried state at an epoch start (over episodes: always).</summary>
    internal StepInput NextStep(long started)
    {
        int step = Step, cursor = _state.Cursor;
        var (inputs, targets, weights) = NextBatch();
        return new StepInput(step, cursor, started, inputs, targets, weights, DiagnosticsDue(step) ? _spec.Diagnostics.ProbeSequences : 0);
    }

    /// <summary>The carried state [B, S] the next step starts from (S = H, or 2H for the LSTM's (h, c)).</summary>
    internal Tensor HiddenState => _state.Hidden;

    /// <summary>The weights' optimiser.</summary>
    internal Optimizer Optimizer => _state.Optimizer;

    /// <summary>
    /// The part of a step of this run between the backward pass and the update (see <see cref="TrainingBatch"/> for the
    /// step), given its <paramref name="loss"/> and gradient <paramref name="norm"/>: the non-finite guard (a fault is
    /// recovered per the run's policy, and the step ends without an update: null, with whether the run halts), the
    /// rollback snapshot, the diagnostics trace (before the update changes W_hh) and clipping (by value in place; by
    /// norm, the scale the update applies). <paramref name="grads"/> holds this run's gradients as a stack of one.
    /// </summary>
    internal (PendingStep? Pending, bool Halted) BeforeUpdate(StepInput input, float loss, double norm, ForwardPass pass, StackedGradients grads, int run)
    {
        int step = input.Step;
        var fault = NonFiniteGuard.Forward(loss, pass.Hidden)
            ?? (double.IsFinite(norm) ? null : NonFiniteGuard.Gradients(grads.Names.Zip(grads.OfRun(run))));
        if (fault is not null) return (null, Recover(step, fault));
        _recovery.SnapshotIfDue(step, input.Cursor);                            // a state just shown to give a finite step
        var trace = TraceIfDue(step, pass, grads.Local[run], grads.Delta[run]);
        var (clip, scale) = GradientClipper.Plan(step, grads.OfRun(run), norm, _spec.Clipping);
        return (new PendingStep(input, loss, LearningRate(step), clip, scale, trace), false);
    }

    /// <summary>The rest of a step after its update: the carried state, the step count, records and diagnostics; returns the loss.</summary>
    internal double AfterUpdate(PendingStep pending, ForwardPass pass, ReadOnlySpan<float> gradientFlow)
    {
        var (input, loss, lr, clip, _, trace) = pending;
        int step = input.Step;
        _state.Hidden.copy_(pass.FinalState);
        _state.Step++;

        // ---- records and diagnostics (nothing below changes the weights) ----
        double seconds = Stopwatch.GetElapsedTime(input.Started).TotalSeconds;
        _clipped += clip.Clipped ? 1 : 0;
        _sink.OnTrainingMetric(new TrainingMetric(step, loss, loss / Math.Log(2), lr, _inputs.Length / seconds, _elapsedBefore + _clock.Elapsed.TotalSeconds));
        _sink.OnClip(clip);
        _sink.OnGradientFlow(new GradientFlowRecord(step, gradientFlow.ToArray()));
        if (trace is not null) Analyze(step, trace.Value);
        if (_spec.Training.EvalEvery > 0 && (Step % _spec.Training.EvalEvery == 0 || Step == TotalSteps))
            RecordEvaluation(step, lr);
        return loss;
    }

    /// <summary>A step between <see cref="BeforeUpdate"/> and <see cref="AfterUpdate"/>: its window, loss, learning rate, clipping (record and norm scale) and diagnostics trace.</summary>
    internal sealed record PendingStep(StepInput Input, float Loss, double LearningRate, ClipRecord Clip, double ClipScale, (RecurrentTrace Window, RecurrentTrace? Analysis)? Trace);

    /// <summary>
    /// The training window's trace and, with <see cref="Options.DiagnosticsOptions.AnalysisLength"/> &gt; 0, the trace of
    /// the longer analysis sequence from the validation text, both through the weights of this step.
    /// </summary>
    private (RecurrentTrace Window, RecurrentTrace? Analysis)? TraceIfDue(int step, ForwardPass pass, Tensor local, Tensor delta)
    {
        if (!DiagnosticsDue(step)) return null;
        long started = Stopwatch.GetTimestamp();
        var traces = AnalysisSequence.Traces(_network, pass, local, delta, _corpus.Validation, _spec.Diagnostics);
        _diagnosticsSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        return traces;
    }

    private void Analyze(int step, (RecurrentTrace Window, RecurrentTrace? Analysis) trace)
    {
        long started = Stopwatch.GetTimestamp();
        if (_analyzer.Analyze(step, trace.Window, trace.Analysis) is { } snapshot) _sink.OnStability(snapshot);
        _diagnosticsSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Applies the non-finite policy to failed step <paramref name="step"/> and records the event; true to halt.</summary>
    private bool Recover(int step, NonFiniteFault fault)
    {
        var (nonFinite, halt) = _recovery.Recover(step, fault, LearningRate);
        _sink.OnNonFinite(nonFinite);
        return halt;
    }

    /// <summary>Records a validation result, or a non-finite event when the validation loss is not finite.</summary>
    private void RecordEvaluation(int step, double lr)
    {
        var evaluation = Evaluate();
        if (double.IsFinite(evaluation.Loss)) _sink.OnEvaluation(evaluation);
        else _sink.OnNonFinite(new NonFiniteEvent(step, "validation loss", -1, _spec.NonFinite.Policy, "evaluation not recorded", lr));
    }

    private (Tensor Inputs, Tensor Targets, Tensor? Weights) NextBatch()
    {
        _stream.Cursor = _state.Cursor;
        if (_stream.ResetsState) _state.Hidden.zero_();
        _stream.Next(_inputs, _targets, _corpus.TrainWeights, _weights);
        _state.Cursor = _stream.Cursor;
        long[] shape = [_stream.WindowLength, _stream.BatchSize];
        return (tensor(_inputs, shape), tensor(_targets, shape), _weights is null ? null : tensor(_weights, shape));
    }

    /// <summary>
    /// A step's window: its step number, data cursor before it, start time, [T, B] characters, the [T, B] loss weights
    /// (null: every character counts) and how many sequences the diagnostics trace.
    /// </summary>
    internal sealed record StepInput(int Step, int Cursor, long Started, Tensor Inputs, Tensor Targets, Tensor? Weights, int Keep);

    private bool DiagnosticsDue(int step) => DiagnosticsPeriod > 0 && (step % DiagnosticsPeriod == 0 || step == TotalSteps - 1);

    /// <summary>Steps between two stability analyses (<see cref="DiagnosticsOptions.Period"/>); 0 when they are off.</summary>
    public int DiagnosticsPeriod => _spec.Diagnostics.Period(_spec.Model.HiddenSize, _spec.SequenceLength, _spec.Training.BatchSize);

    /// <inheritdoc />
    public void Dispose() => TorchGuard.Run(() =>
    {
        _state.Dispose();
        _recovery.Dispose();
    });
}
