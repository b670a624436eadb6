using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// A run ready to train, made only by <see cref="RunJob.Start"/>: it holds the run folder's lock, its session (and text)
/// and where its records go, all set. The suite runner trains its <see cref="Session"/> up to the run's next
/// <see cref="SavePoint"/>, then calls <see cref="AtSavePoint"/>, and at the end <see cref="Finish"/>; disposing it
/// releases the session, the text and the lock (the records stay with the job).
/// </summary>
internal sealed class StartedRun : IDisposable
{
    private readonly RunJob _job;
    private readonly IRunSink _sink;
    private readonly RunLock _lock;
    private readonly long _start;
    private readonly int _firstStep;
    private readonly ProgressReporter _progress;
    private double _analysisSeconds;

    internal StartedRun(RunJob job, TrainingSession session, IRunSink sink, RunLock runLock, long start, ProgressReporter progress)
    {
        (_job, Session, _sink, _lock, _start, _progress) = (job, session, sink, runLock, start, progress);
        _firstStep = session.Step;
    }

    /// <summary>The run's session.</summary>
    public TrainingSession Session { get; }

    private RunSpec Spec => Session.Spec;

    private bool IsProbe => Spec.Corpus.Kind != CorpusKind.TextFile;

    /// <summary>
    /// The next step count after which the run scores its probe (<see cref="ProbeOptions.Every"/>) or writes a checkpoint
    /// (<see cref="TrainingOptions.CheckpointEvery"/>); the run's last step when neither is due before it.
    /// </summary>
    public int SavePoint
    {
        get
        {
            int done = Session.Step, total = Session.TotalSteps;
            int Next(int every) => every > 0 ? (done / every + 1) * every : total;
            return Math.Min(total, Math.Min(Next(Spec.Probe.Every), Next(Spec.Training.CheckpointEvery)));
        }
    }

    /// <summary>Logs the run's progress after a step (every few seconds) and the time its diagnostics took.</summary>
    public void ReportProgress(TrainingProgress progress)
    {
        _progress.Report(progress);
        TrainingMetrics.OnAnalysisTime(_job.Info, _analysisSeconds, progress.DiagnosticsSeconds);
        _analysisSeconds = progress.DiagnosticsSeconds;
    }

    /// <summary>
    /// After the run trained up to a save point (not its last step, which <see cref="Finish"/> handles): with
    /// <see cref="ProbeOptions.Every"/> = N, scores the probe after every N-th step; then, with
    /// <see cref="TrainingOptions.CheckpointEvery"/> = N, after every N-th step writes the data views, the state
    /// (Cancelled: resumable) and the checkpoint, so a process killed without warning continues from there with --resume
    /// (the checkpoint then holds the probe's rows).
    /// </summary>
    public void AtSavePoint()
    {
        if (IsProbe && DueNow(Spec.Probe.Every)) ScoreProbe();
        if (DueNow(Spec.Training.CheckpointEvery)) _job.Persist(Session, RunStatus.Cancelled);
    }

    /// <summary>True after every <paramref name="every"/>-th step but the last (never when <paramref name="every"/> is 0).</summary>
    private bool DueNow(int every) => every > 0 && Session.Step % every == 0 && Session.Step < Session.TotalSteps;

    private void ScoreProbe()
    {
        foreach (var row in ProbeEvaluator.Evaluate(Session, Spec)) _sink.Record(row);
    }

    /// <summary>
    /// Scores the probe (unless the run was cancelled), then writes the data views, state and checkpoint of the run,
    /// which trained until <paramref name="status"/>, and logs its end.
    /// </summary>
    public RunOutcome Finish(RunStatus status)
    {
        if (IsProbe && status != RunStatus.Cancelled) ScoreProbe();
        _job.Persist(Session, status);
        return _job.Finished(status, _start, Session.Step);
    }

    /// <summary>The outcome of the run that failed with <paramref name="error"/> (logged, state written into the folder it holds).</summary>
    public RunOutcome Failed(Exception error) => _job.Failed(error, held: true);

    /// <summary>Releases the session (its weights and optimiser state, and the text) and the run folder's lock.</summary>
    public void Dispose()
    {
        _job.CountTrained((long)(Session.Step - _firstStep) * Session.CharactersPerStep);
        Session.Dispose();
        _lock.Dispose();
    }
}
