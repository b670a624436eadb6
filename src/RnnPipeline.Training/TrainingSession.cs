using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Training;

/// <summary>
/// One training run: truncated BPTT over a <see cref="CharCorpus"/> with clipping, the non-finite guard, evaluation,
/// stability diagnostics and exact checkpoints. Every record goes to an <see cref="IRunSink"/>. The public front of a
/// run: create or resume it, train it, evaluate, sample and predict with it, checkpoint it; the step itself is
/// <see cref="TrainingStep"/>. Not thread-safe.
/// </summary>
public sealed partial class TrainingSession : IDisposable
{
    private readonly TrainingRun _run;

    private TrainingSession(TrainingRun run) => _run = run;

    /// <summary>A new run initialised from the spec's seed.</summary>
    public static TrainingSession Create(RunSpec spec, CharCorpus corpus, IRunSink sink) =>
        TorchGuard.Run(() => new TrainingSession(new TrainingRun(spec, corpus, sink, CharRnnWeights.Create(spec.Model, corpus.Vocabulary.Size, spec.Training.Seed))));

    /// <summary>The run's training state, which <see cref="TrainingStep"/> reads and writes.</summary>
    internal TrainingRun Run => _run;

    /// <summary>The spec being trained.</summary>
    public RunSpec Spec => _run.Spec;

    /// <summary>The network (weights are live: they change as training proceeds).</summary>
    internal CharRnnNetwork Network => _run.Network;

    /// <summary>
    /// What a <see cref="TrainingBatch"/> needs to be equal to train runs together: cell or nonlinearity, hidden size, input
    /// encoding, vocabulary size, window length and batch (after the batch is fitted to the text), e.g.
    /// "Tanh H=64 one-hot V=18 T=256 B=32".
    /// </summary>
    public string ShapeKey => ShapeKeyOf(_run.Spec, _run.Corpus);

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
    public int CharactersPerStep => _run.CharactersPerStep;

    /// <summary>The corpus (and its vocabulary).</summary>
    public CharCorpus Corpus => _run.Corpus;

    /// <summary>Next optimiser step to run (0-based).</summary>
    public int Step => _run.State.Step;

    /// <summary>Configured number of steps.</summary>
    public int TotalSteps => _run.TotalSteps;

    /// <summary>Learning rate at <paramref name="step"/>: the schedule times ½ per rollback.</summary>
    public double LearningRate(int step) => _run.LearningRate(step);

    /// <summary>Steps between two stability analyses (<see cref="DiagnosticsOptions.Period"/>); 0 when they are off.</summary>
    public int DiagnosticsPeriod => _run.DiagnosticsPeriod;

    /// <summary>
    /// Trains until every step ran (or, with <paramref name="until"/>, until that step is next), <paramref name="cancellation"/>
    /// fires (after the current step) or a halt: a <see cref="TrainingBatch"/> of this run alone.
    /// </summary>
    public RunStatus Train(CancellationToken cancellation, Action<TrainingProgress>? progress = null, int? until = null) =>
        new TrainingBatch([this]).Train(cancellation, progress is null ? null : (_, p) => progress(p), until)[0];

    /// <inheritdoc />
    public void Dispose() => TorchGuard.Run(_run.Dispose);
}
