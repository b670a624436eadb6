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
/// One run of a suite, from before it trains to its outcome: <see cref="Prepare"/> finds out whether it still has to
/// train, <see cref="Start"/> returns the run ready to train (<see cref="StartedRun"/>: its folder's lock taken, its
/// text loaded, its session created or resumed), which the suite runner trains (alone or in a
/// <see cref="TrainingBatch"/>) and finishes. A run holds its lock (one open file) only while it is prepared and while
/// it trains, and its text only while it trains, so a suite's open files and memory do not grow with its run count.
/// </summary>
internal sealed class RunJob(Suite suite, int index, RunSpec spec, RunFolder folder, RunDataViews views, SharedTexts texts, bool resume, ILogger logger, TimeProvider clock, TimeSpan progressInterval)
{
    private readonly RunRecording _recording = new(RunInfo.For(suite.Name, spec));
    private (string Key, int PerStack)? _shape;
    private long _charactersTrained;

    /// <summary>The run's specification.</summary>
    public RunSpec Spec => spec;

    /// <summary>Also write the run's records as TensorBoard event files into <see cref="RunFolder.TensorBoard"/>.</summary>
    public bool TensorBoard { get; init; }

    /// <summary>
    /// The run's <see cref="TrainingSession.ShapeKeyOf"/> and how many runs of its shape one stacked step takes
    /// (<see cref="TrainingBatch.MaxRuns(RunSpec, Training.Text.CharCorpus)"/>). Measured on the run's text, which is released again: grouping a suite's
    /// runs by shape holds one text at a time (100,000 runs of a 120 KB text would need gigabytes before the first step).
    /// </summary>
    public (string Key, int PerStack) Shape => _shape ??= MeasureShape();

    private (string Key, int PerStack) MeasureShape()
    {
        var corpus = LoadCorpus();
        return (TrainingSession.ShapeKeyOf(spec, corpus), TrainingBatch.MaxRuns(spec, corpus));
    }

    /// <summary>Characters trained in this process (by the runs started so far, once they are disposed).</summary>
    public long CharactersTrained => Interlocked.Read(ref _charactersTrained);

    /// <summary>
    /// Returns the outcome when, with --resume, the run already finished in an earlier process (its saved results are
    /// kept); null when it still has to train.
    /// </summary>
    public RunOutcome? Prepare()
    {
        if (!resume || !Directory.Exists(folder.Path)) return null;              // nothing saved: nothing to lock or read
        using var runLock = Lock();
        if (folder.ReadState() is not (RunStatus.Completed or RunStatus.Halted)) return null;
        Log.RunAlreadyFinished(logger, spec.Name);
        var saved = views.Load(folder.Data);
        // A process killed while renaming leaves the checksums listing old and new content; run.json is renamed after
        // the data views, so here they are all new: write them again to settle the checksums.
        if (FileChecksums.HasInterruptedCommit(folder.Data)) views.Save(saved, folder.Data);
        return new RunOutcome(spec, saved, folder.ReadState()!.Value, 0, folder.Path);
    }

    /// <summary>
    /// Takes the run folder's lock. The suite runner checked every run folder up front; a process that took one since
    /// then makes this run fail, writing nothing into the folder.
    /// </summary>
    /// <exception cref="IOException">Another process holds the lock.</exception>
    private RunLock Lock()
    {
        var runLock = RunLock.TryAcquire(folder.Path, "training") ?? throw new IOException(
            $"run folder '{folder.Path}' was taken by another RnnPipeline process after this one checked it (its {RunLock.FileName} names the process): nothing was written into it; --resume the run once that process has finished");
        if (runLock.PreviousHolder is { } holder) Log.LockTakenOver(logger, folder.Path, holder);
        return runLock;
    }

    private CharCorpus LoadCorpus()
    {
        if (spec.Corpus.Kind == CorpusKind.TextFile) return texts.TextFile(suite.ResolveCorpusPath(spec), spec);
        var probe = ProbeTextGenerator.Generate(spec.Corpus, spec.Training.Seed);
        return CharCorpus.FromText(probe.Text, spec, scored: spec.Corpus.Loss == ProbeLoss.Dependents ? probe.Targets.Select(t => t.Position) : null);
    }

    /// <summary>
    /// Takes the run folder's lock, loads the text and creates the session (or restores it from the checkpoint with
    /// --resume), and logs the start of training: the run, ready to train, holding all of it until it is disposed.
    /// </summary>
    /// <exception cref="IOException">Another process holds the run folder's lock.</exception>
    public StartedRun Start()
    {
        var runLock = Lock();
        try
        {
            long start = clock.GetTimestamp();
            var corpus = LoadCorpus();
            IRunSink sink = new LoggingSink(_recording, logger, spec.Name);
            bool resumed = resume && File.Exists(folder.Checkpoint);
            if (TensorBoard)
                sink = new SinkTee(sink, new Training.Diagnostics.TensorBoardSink(folder.TensorBoard, resumed ? TrainingSession.CheckpointStep(spec, folder.Checkpoint) : 0));
            var session = resumed ? Resumed(corpus, sink) : TrainingSession.Create(spec, corpus, sink);
            if (session.Step == 0)
                Log.RunStarting(logger, spec.Name, index + 1, suite.Runs.Count, spec.Model.Unit,
                    spec.Model.Init.ToString(), spec.Model.InitGain, spec.Model.HiddenSize, spec.SequenceLength,
                    spec.Corpus.Kind == CorpusKind.TextFile ? Path.GetFileName(spec.Corpus.Path!) : spec.Corpus.Kind.ToString(), spec.Training.Steps,
                    session.DiagnosticsPeriod > 0 ? $"diagnostics every {session.DiagnosticsPeriod} steps" : "no diagnostics");
            return new StartedRun(this, session, sink, runLock, start, new ProgressReporter(logger, spec.Name, clock, progressInterval));
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The outcome of a run cancelled before it started: nothing is written, except that a run resumed from a checkpoint
    /// writes its files again with what it has (so the report of what exists includes it).
    /// </summary>
    public RunOutcome Cancelled()
    {
        if (!(resume && File.Exists(folder.Checkpoint))) return new RunOutcome(spec, _recording, RunStatus.Cancelled, 0, folder.Path);
        using var run = Start();
        return run.Finish(RunStatus.Cancelled);
    }

    /// <summary>The outcome of a run that failed with <paramref name="error"/> before it started (logged, state written).</summary>
    public RunOutcome Failed(Exception error)
    {
        // Only into a folder this process holds: the lock is taken for this.
        using var runLock = RunLock.TryAcquire(folder.Path, "training");
        return Failed(error, runLock is not null);
    }

    /// <summary>Logs <paramref name="error"/>, writes the Failed state when this process holds the run folder, and returns the outcome.</summary>
    internal RunOutcome Failed(Exception error, bool held)
    {
        Log.RunFailed(logger, spec.Name, error.Message.Split('\n')[0].Trim(), error);
        if (held) folder.WriteState(spec, RunStatus.Failed, 0);
        return new RunOutcome(spec, new RunRecording(RunInfo.For(suite.Name, spec)), RunStatus.Failed, 0, folder.Path);
    }

    /// <summary>
    /// Writes the data views, state (<paramref name="state"/>) and checkpoint of <paramref name="session"/> in one
    /// commit. Renamed in this order: a process killed in between leaves data views ahead of the checkpoint (--resume
    /// drops the extra rows) or a finished state beside complete data views, never a checkpoint ahead of its records.
    /// </summary>
    internal void Persist(TrainingSession session, RunStatus state)
    {
        using var files = new AtomicFileSet();
        views.Save(_recording, folder.Data, files);
        folder.WriteState(files, spec, state, session.Step);
        files.Write(folder.Checkpoint, session.WriteCheckpoint);
        files.Commit();
    }

    /// <summary>Logs the end of a run started at <paramref name="start"/> that trained until <paramref name="state"/> at step <paramref name="step"/>; returns its outcome.</summary>
    internal RunOutcome Finished(RunStatus state, long start, int step)
    {
        double seconds = clock.GetElapsedTime(start).TotalSeconds;
        Log.RunFinished(logger, spec.Name, state.ToString().ToLowerInvariant(), step, seconds,
            _recording.Evaluations.Count > 0 ? _recording.Evaluations[^1].BitsPerChar : double.NaN);
        return new RunOutcome(spec, _recording, state, seconds, folder.Path);
    }

    /// <summary>The run's identity in its records.</summary>
    internal RunInfo Info => _recording.Info;

    /// <summary>Adds what a started run trained in this process to <see cref="CharactersTrained"/>.</summary>
    internal void CountTrained(long characters) => Interlocked.Add(ref _charactersTrained, characters);

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
        saved.TruncateAfter(session.Step - 1);   // the data views may be ahead of the checkpoint (see Persist)
        _recording.Append(saved);
        Log.RunResuming(logger, spec.Name, session.Step);
        return session;
    }
}
