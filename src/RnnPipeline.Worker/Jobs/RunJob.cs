using RnnPipeline.DataViews;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Options;
using RnnPipeline.Probes;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// One run of a suite: <see cref="Prepare"/> finds out whether it still has to train, <see cref="Start"/> takes the run
/// folder's lock, loads its text and creates or resumes its session, the suite runner trains it (alone or in a
/// <see cref="TrainingBatch"/>), <see cref="Finish"/> writes its checkpoint, data views and state, and
/// <see cref="Dispose"/> releases the lock, the session and the text. A run holds its lock (one open file) only while it
/// is prepared and while it trains, so a suite's open files do not grow with its run count.
/// </summary>
internal sealed class RunJob(Suite suite, int index, RunSpec spec, RunFolder folder, RunDataViews views, SharedTexts texts, ILogger logger, TimeProvider clock, TimeSpan progressInterval) : IDisposable
{
    private readonly RunRecording _recording = new(RunInfo.For(suite.Name, spec));
    private long _start;
    private int _firstStep;
    private long _charactersTrained;
    private bool _resume;
    private CharCorpus? _corpus;
    private (string Key, int PerStack)? _shape;
    private RunLock? _lock;
    private ProgressReporter? _progress;
    private IRunSink? _sink;
    private double _analysisSeconds;

    /// <summary>The run's session between <see cref="Start"/> and <see cref="Dispose"/>.</summary>
    public TrainingSession? Session { get; private set; }

    /// <summary>The run's specification.</summary>
    public RunSpec Spec => spec;

    /// <summary>Also write the run's records as TensorBoard event files into <see cref="RunFolder.TensorBoard"/>.</summary>
    public bool TensorBoard { get; init; }

    /// <summary>
    /// The run's text, loaded on first use (a text file's from <see cref="SharedTexts"/>, shared with the runs of the same
    /// file) and released by <see cref="Dispose"/>: a suite holds the texts of the runs training now, not of every run
    /// (100,000 runs of a 120 KB text would need gigabytes before the first step).
    /// </summary>
    public CharCorpus Corpus => _corpus ??= LoadCorpus();

    /// <summary>
    /// The run's <see cref="TrainingSession.ShapeKeyOf"/> and how many runs of its shape one stacked step takes
    /// (<see cref="TrainingBatch.MaxRuns"/>). Measured on the run's text, which is released again unless the run is
    /// training: grouping a suite's runs by shape holds one text at a time.
    /// </summary>
    public (string Key, int PerStack) Shape => _shape ??= MeasureShape();

    private (string Key, int PerStack) MeasureShape()
    {
        bool loaded = _corpus is not null;
        var shape = (TrainingSession.ShapeKeyOf(spec, Corpus), TrainingBatch.MaxRuns(spec, Corpus));
        if (!loaded && Session is null) _corpus = null;
        return shape;
    }

    /// <summary>
    /// Returns the outcome when, with <paramref name="resume"/>, the run already finished in an earlier process (its
    /// saved results are kept); null when it still has to train.
    /// </summary>
    public RunOutcome? Prepare(bool resume)
    {
        _resume = resume;
        if (!resume || !Directory.Exists(folder.Path)) return null;              // nothing saved: nothing to lock or read
        Lock();
        try
        {
            if (folder.ReadState() is not (RunStatus.Completed or RunStatus.Halted)) return null;
            Log.RunAlreadyFinished(logger, spec.Name);
            var saved = views.Load(folder.Data);
            // A process killed while renaming leaves the checksums listing old and new content; run.json is renamed after
            // the data views, so here they are all new: write them again to settle the checksums.
            if (FileChecksums.HasInterruptedCommit(folder.Data)) views.Save(saved, folder.Data);
            return new RunOutcome(spec, saved, folder.ReadState()!.Value, 0, folder.Path);
        }
        finally
        {
            Unlock();
        }
    }

    /// <summary>
    /// Takes the run folder's lock until <see cref="Unlock"/> (or <see cref="Dispose"/>). The suite runner checked every
    /// run folder up front; a process that took one since then makes this run fail, writing nothing into the folder.
    /// </summary>
    /// <exception cref="IOException">Another process holds the lock.</exception>
    private void Lock()
    {
        if (_lock is not null) return;
        _lock = RunLock.TryAcquire(folder.Path, "training") ?? throw new IOException(
            $"run folder '{folder.Path}' was taken by another RnnPipeline process after this one checked it (its {RunLock.FileName} names the process): nothing was written into it; --resume the run once that process has finished");
        if (_lock.PreviousHolder is { } holder) Log.LockTakenOver(logger, folder.Path, holder);
    }

    private void Unlock()
    {
        _lock?.Dispose();
        _lock = null;
    }

    private CharCorpus LoadCorpus()
    {
        if (spec.Corpus.Kind == CorpusKind.TextFile) return texts.TextFile(suite.ResolveCorpusPath(spec), spec);
        var probe = ProbeTextGenerator.Generate(spec.Corpus, spec.Training.Seed);
        return CharCorpus.FromText(probe.Text, spec, scored: spec.Corpus.Loss == ProbeLoss.Dependents ? probe.Targets.Select(t => t.Position) : null);
    }

    /// <summary>Creates the session (or restores it from the checkpoint with --resume) and logs the start of training.</summary>
    public TrainingSession Start()
    {
        Lock();
        _start = clock.GetTimestamp();
        IRunSink sink = new LoggingSink(_recording, logger, spec.Name);
        bool resumed = _resume && File.Exists(folder.Checkpoint);
        if (TensorBoard)
            sink = new SinkTee(sink, new Training.Diagnostics.TensorBoardSink(folder.TensorBoard, resumed ? TrainingSession.CheckpointStep(spec, folder.Checkpoint) : 0));
        _sink = sink;
        Session = resumed ? Resumed(Corpus, sink) : TrainingSession.Create(spec, Corpus, sink);
        _firstStep = Session.Step;
        _progress = new ProgressReporter(logger, spec.Name, clock, progressInterval);
        if (Session.Step == 0)
            Log.RunStarting(logger, spec.Name, index + 1, suite.Runs.Count, spec.Model.Unit,
                spec.Model.Init.ToString(), spec.Model.InitGain, spec.Model.HiddenSize, spec.SequenceLength,
                spec.Corpus.Kind == CorpusKind.TextFile ? Path.GetFileName(spec.Corpus.Path!) : spec.Corpus.Kind.ToString(), spec.Training.Steps,
                Session.DiagnosticsPeriod > 0 ? $"diagnostics every {Session.DiagnosticsPeriod} steps" : "no diagnostics");
        return Session;
    }

    /// <summary>Characters trained in this process.</summary>
    public long CharactersTrained => _charactersTrained + (Session is null ? 0 : (long)(Session.Step - _firstStep) * Session.CharactersPerStep);

    /// <summary>Logs the run's progress after a step (every few seconds).</summary>
    public void ReportProgress(TrainingProgress progress)
    {
        _progress!.Report(progress);
        TrainingMetrics.OnAnalysisTime(_recording.Info, _analysisSeconds, progress.DiagnosticsSeconds);
        _analysisSeconds = progress.DiagnosticsSeconds;
    }

    /// <summary>
    /// Evaluates the probe, then writes the data views, state and checkpoint of a run that trained until
    /// <paramref name="status"/>. A run cancelled before it started writes nothing, except that a run resumed from a
    /// checkpoint writes its files again with what it has (so the report of what exists includes it).
    /// </summary>
    public RunOutcome Finish(RunStatus status)
    {
        if (Session is null && !(_resume && File.Exists(folder.Checkpoint)))
            return new RunOutcome(spec, _recording, RunStatus.Cancelled, 0, folder.Path);
        var session = Session ?? Start();
        if (IsProbe && status != RunStatus.Cancelled)
            foreach (var row in ProbeEvaluator.Evaluate(session, spec)) _sink!.OnProbe(row);

        Persist(session, status);
        double seconds = clock.GetElapsedTime(_start).TotalSeconds;
        Log.RunFinished(logger, spec.Name, status.ToString().ToLowerInvariant(), session.Step, seconds,
            _recording.Evaluations.Count > 0 ? _recording.Evaluations[^1].BitsPerChar : double.NaN);
        return new RunOutcome(spec, _recording, status, seconds, folder.Path);
    }

    /// <summary>With <see cref="ProbeOptions.Every"/> = N, scores the probe after every N-th step (but the last, which <see cref="Finish"/> scores).</summary>
    public void ProbeIfDue(TrainingProgress progress)
    {
        if (DueAfter(progress, spec.Probe.Every) && IsProbe && Session is { } session)
            foreach (var row in ProbeEvaluator.Evaluate(session, spec)) _sink!.OnProbe(row);
    }

    /// <summary>
    /// With <see cref="TrainingOptions.CheckpointEvery"/> = N, after every N-th step (but the last): the data views, the
    /// state (Cancelled: resumable) and the checkpoint, so a process killed without warning continues from there with
    /// --resume.
    /// </summary>
    public void CheckpointIfDue(TrainingProgress progress)
    {
        if (DueAfter(progress, spec.Training.CheckpointEvery) && Session is { } session)
            Persist(session, RunStatus.Cancelled);
    }

    /// <summary>True after every <paramref name="every"/>-th step but the last (never when <paramref name="every"/> is 0).</summary>
    private static bool DueAfter(TrainingProgress progress, int every)
    {
        int done = progress.Step + 1;
        return every > 0 && done % every == 0 && done < progress.TotalSteps;
    }

    private void Persist(TrainingSession session, RunStatus state)
    {
        using var files = new AtomicFileSet();
        // Renamed in this order: a process killed in between leaves data views ahead of the checkpoint (--resume drops
        // the extra rows) or a finished state beside complete data views, never a checkpoint ahead of its records.
        views.Save(_recording, folder.Data, files);
        folder.WriteState(files, spec, state, session.Step);
        files.Write(folder.Checkpoint, session.WriteCheckpoint);
        files.Commit();
    }

    /// <summary>The outcome of a run that failed with <paramref name="error"/> (logged, state written).</summary>
    public RunOutcome Failed(Exception error)
    {
        Log.RunFailed(logger, spec.Name, error.Message.Split('\n')[0].Trim(), error);
        // Only into a folder this process holds (a run that failed before it started takes the lock for this).
        bool held = _lock is not null;
        if (held || (_lock = RunLock.TryAcquire(folder.Path, "training")) is not null) folder.WriteState(spec, RunStatus.Failed, 0);
        if (!held) Unlock();
        return new RunOutcome(spec, new RunRecording(RunInfo.For(suite.Name, spec)), RunStatus.Failed, 0, folder.Path);
    }

    /// <summary>
    /// Checks what <c>--resume</c> will read of this run before any run of the suite trains, so a bad file changes
    /// nothing on disk: run.json's specification equals the suite's, a checkpoint listed in the checksums exists and is
    /// intact and of this configuration, and the data views are intact and belong to this run (their rows carry its
    /// RunId and configuration hash) — for finished runs too.
    /// </summary>
    /// <exception cref="InputException">A file is missing, damaged or belongs to another run or configuration.</exception>
    public static void VerifyResumable(Suite suite, RunSpec spec, RunFolder folder, RunDataViews views)
    {
        string fix = $"write to a new --output, or delete '{folder.Path}' to train the run again";
        RunStatus? state = folder.ReadState();
        bool finished = state is RunStatus.Completed or RunStatus.Halted;
        bool checkpoint = File.Exists(folder.Checkpoint) || FileChecksums.IsListed(folder.Checkpoint);
        if (File.Exists(folder.Checkpoint) || (checkpoint && !finished))
        {
            FileChecksums.Verify(folder.Checkpoint, "restore it or start the run again without --resume", TrainingSession.MaximumCheckpointBytes(spec));
            TrainingSession.VerifyCheckpoint(spec, folder.Checkpoint);
        }
        if (folder.ReadSpec() is { } saved && saved.ConfigHash() != spec.ConfigHash())
            throw new InputException(
                $"run '{spec.Name}' in '{folder.Path}' was saved with other settings than this suite ({SpecDifference.Describe(saved, spec)}): " +
                $"--resume with the suite file and overrides it was started with, or {fix}");
        if (!checkpoint && !finished) return;
        var expected = RunInfo.For(suite.Name, spec);
        var info = views.Load(folder.Data).Info;
        if (info.RunId != expected.RunId || info.ConfigHash != expected.ConfigHash)
            throw new InputException(
                $"the data views in '{folder.Data}' belong to run {info.RunId} (config {info.ConfigHash}), not to {expected.RunId} (config {expected.ConfigHash}): {fix}");
    }

    private TrainingSession Resumed(CharCorpus corpus, IRunSink sink)
    {
        var session = TrainingSession.Resume(spec, corpus, sink, folder.Checkpoint);
        var saved = views.Load(folder.Data);
        saved.TruncateAfter(session.Step - 1);   // the data views may be ahead of the checkpoint (see Finish)
        _recording.Append(saved);
        Log.RunResuming(logger, spec.Name, session.Step);
        return session;
    }

    private bool IsProbe => spec.Corpus.Kind != CorpusKind.TextFile;

    /// <summary>Releases the session (its weights and optimiser state), the text and the run folder's lock; the recording stays.</summary>
    public void Dispose()
    {
        _charactersTrained = CharactersTrained;
        Session?.Dispose();
        Session = null;
        _corpus = null;
        Unlock();
    }
}
