using RnnPipeline.DataViews;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Options;
using RnnPipeline.Probes;
using RnnPipeline.Text;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// One run of a suite: <see cref="Prepare"/> finds out whether it still has to train, <see cref="Start"/> loads its text
/// (when nothing asked for <see cref="Corpus"/> before) and creates or resumes its session, the
/// suite runner trains it (alone or in a <see cref="TrainingBatch"/>), <see cref="Finish"/> writes its checkpoint, data
/// views and state.
/// </summary>
internal sealed class RunJob(Suite suite, int index, RunSpec spec, RunFolder folder, RunDataViews views, ILogger logger, TimeProvider clock, TimeSpan progressInterval) : IDisposable
{
    private readonly RunRecording _recording = new(RunInfo.For(suite.Name, spec));
    private long _start;
    private int _firstStep;
    private long _charactersTrained;
    private bool _resume;
    private CharCorpus? _corpus;
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
    /// The run's text, loaded on first use and released by <see cref="Dispose"/>: a suite holds the texts of the runs
    /// training now, not of every run (100,000 runs of a 120 KB text would need gigabytes before the first step).
    /// </summary>
    public CharCorpus Corpus => _corpus ??= LoadCorpus();

    /// <summary>
    /// Returns the outcome when, with <paramref name="resume"/>, the run already finished in an earlier process (its
    /// saved results are kept); null when it still has to train.
    /// </summary>
    public RunOutcome? Prepare(bool resume)
    {
        if (resume && folder.ReadState() is RunStatus.Completed or RunStatus.Halted)
        {
            Log.RunAlreadyFinished(logger, spec.Name);
            var saved = views.Load(folder.Data);
            // A process killed while renaming leaves the checksums listing old and new content; run.json is renamed after
            // the data views, so here they are all new: write them again to settle the checksums.
            if (FileChecksums.HasInterruptedCommit(folder.Data)) views.Save(saved, folder.Data);
            return new RunOutcome(spec, saved, folder.ReadState()!.Value, 0, folder.Path);
        }
        _resume = resume;
        return null;
    }

    private CharCorpus LoadCorpus()
    {
        (string text, var probe) = LoadText();
        return CharCorpus.FromText(text, spec, scored: spec.Corpus.Loss == ProbeLoss.Dependents ? probe?.Targets.Select(t => t.Position) : null);
    }

    /// <summary>Creates the session (or restores it from the checkpoint with --resume) and logs the start of training.</summary>
    public TrainingSession Start()
    {
        _start = clock.GetTimestamp();
        IRunSink sink = new LoggingSink(_recording, logger, spec.Name);
        if (TensorBoard) sink = new SinkTee(sink, new Training.Diagnostics.TensorBoardSink(folder.TensorBoard));
        _sink = sink;
        Session = _resume && File.Exists(folder.Checkpoint) ? Resumed(Corpus, sink) : TrainingSession.Create(spec, Corpus, sink);
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
        folder.WriteState(spec, RunStatus.Failed, 0);
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
            FileChecksums.Verify(folder.Checkpoint, "restore it or start the run again without --resume");
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

    private (string Text, ProbeCorpus? Probe) LoadText()
    {
        if (spec.Corpus.Kind == CorpusKind.TextFile) return (TextSource.LoadUtf8(suite.ResolveCorpusPath(spec)), null);
        var probe = ProbeTextGenerator.Generate(spec.Corpus, spec.Training.Seed);
        return (probe.Text, probe);
    }

    private bool IsProbe => spec.Corpus.Kind != CorpusKind.TextFile;

    /// <summary>Releases the session (its weights and optimiser state) and the text; the recording stays.</summary>
    public void Dispose()
    {
        _charactersTrained = CharactersTrained;
        Session?.Dispose();
        Session = null;
        _corpus = null;
    }
}
