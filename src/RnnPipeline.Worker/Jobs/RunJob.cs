using Microsoft.ML;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.MLNet;
using RnnPipeline.Options;
using RnnPipeline.Probes;
using RnnPipeline.Text;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Worker.Jobs;

/// <summary>Trains one run of a suite and writes its checkpoint, data views and state.</summary>
internal sealed class RunJob(Suite suite, int index, RunSpec spec, RunFolder folder, MLContext ml, ILogger logger, TimeProvider clock, TimeSpan progressInterval)
{
    /// <summary>Trains (or resumes) the run until it ends or <paramref name="cancellation"/> fires.</summary>
    public RunOutcome Execute(bool resume, CancellationToken cancellation)
    {
        var views = new RunDataViews(ml);
        var recording = new RunRecording(RunInfo.For(suite.Name, spec));
        if (resume && folder.ReadState() is RunState.Completed or RunState.Halted)
        {
            Log.RunAlreadyFinished(logger, spec.Name);
            var saved = views.Load(folder.Data);
            // A process killed while renaming leaves the checksums listing old and new content; run.json is renamed after
            // the data views, so here they are all new: write them again to settle the checksums.
            if (FileChecksums.HasInterruptedCommit(folder.Data)) views.Save(saved, folder.Data);
            return new RunOutcome(spec, saved, folder.ReadState()!.Value, 0, folder.Path);
        }

        long start = clock.GetTimestamp();
        var (text, probe) = LoadText();
        var corpus = CharCorpus.FromText(text, spec);
        var sink = new LoggingSink(recording, logger, spec.Name);
        using var session = resume && File.Exists(folder.Checkpoint)
            ? Resumed(views, recording, corpus, sink)
            : TrainingSession.Create(spec, corpus, sink);
        if (session.Step == 0)
            Log.RunStarting(logger, spec.Name, index + 1, suite.Runs.Count, spec.Model.Activation.ToString(),
                spec.Model.Init.ToString(), spec.Model.InitGain, spec.Model.HiddenSize, spec.Training.WindowLength,
                spec.Corpus.Kind == CorpusKind.TextFile ? Path.GetFileName(spec.Corpus.Path!) : spec.Corpus.Kind.ToString(), spec.Training.Steps);

        var progress = new ProgressReporter(logger, spec.Name, clock, progressInterval);
        RunStatus status = session.Train(cancellation, progress.Report);
        if (probe is not null && status != RunStatus.Cancelled)
            foreach (var row in ProbeEvaluator.Evaluate(session, spec)) sink.OnProbe(row);

        var state = status switch
        {
            RunStatus.Completed => RunState.Completed,
            RunStatus.Halted => RunState.Halted,
            _ => RunState.Cancelled,
        };
        using (var files = new AtomicFileSet())
        {
            // Renamed in this order: a process killed in between leaves data views ahead of the checkpoint (--resume drops
            // the extra rows) or a finished state beside complete data views, never a checkpoint ahead of its records.
            views.Save(recording, folder.Data, files);
            folder.WriteState(files, spec, state, session.Step);
            files.Write(folder.Checkpoint, session.WriteCheckpoint);
            files.Commit();
        }
        double seconds = clock.GetElapsedTime(start).TotalSeconds;
        Log.RunFinished(logger, spec.Name, state.ToString().ToLowerInvariant(), session.Step, seconds,
            recording.Evaluations.Count > 0 ? recording.Evaluations[^1].BitsPerChar : double.NaN);
        return new RunOutcome(spec, recording, state, seconds, folder.Path);
    }

    /// <summary>
    /// Checks what <c>--resume</c> will read of this run (state, checkpoint, data views: checksums, checkpoint format
    /// version and configuration) before any run of the suite trains, so a bad file changes nothing on disk.
    /// </summary>
    /// <exception cref="InputException">A file is damaged or belongs to another configuration.</exception>
    public static void VerifyResumable(RunSpec spec, RunFolder folder, RunDataViews views)
    {
        RunState? state = folder.ReadState();
        if (state is not (RunState.Completed or RunState.Halted))
        {
            if (!File.Exists(folder.Checkpoint)) return;
            FileChecksums.Verify(folder.Checkpoint, "restore it or start the run again without --resume");
            TrainingSession.VerifyCheckpoint(spec, folder.Checkpoint);
        }
        views.VerifyFiles(folder.Data);
    }

    private TrainingSession Resumed(RunDataViews views, RunRecording recording, CharCorpus corpus, IRunSink sink)
    {
        var session = TrainingSession.Resume(spec, corpus, sink, folder.Checkpoint);
        var saved = views.Load(folder.Data);
        saved.TruncateAfter(session.Step - 1);   // the data views may be ahead of the checkpoint (see Execute)
        recording.Append(saved);
        Log.RunResuming(logger, spec.Name, session.Step);
        return session;
    }

    private (string Text, ProbeCorpus? Probe) LoadText()
    {
        if (spec.Corpus.Kind == CorpusKind.TextFile) return (TextSource.LoadUtf8(suite.ResolveCorpusPath(spec)), null);
        var probe = ProbeTextGenerator.Generate(spec.Corpus, spec.Training.Seed);
        return (probe.Text, probe);
    }
}
