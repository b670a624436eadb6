using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RnnPipeline.DataViews;
using RnnPipeline.IO;
using RnnPipeline.Reporting;
using RnnPipeline.Training;
using RnnPipeline.Worker.Hosting;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// Runs every run of the suite (or of one shard), then writes the suite report and a summary table. A shard writes
/// only its runs' folders; <c>--report</c> merges the saved runs of all shards into the report.
/// </summary>
public sealed class SuiteRunner(SuiteSource source, IOptions<WorkerOptions> options, ILogger<SuiteRunner> logger, TimeProvider clock)
{
    /// <summary>Runs the suite; returns the process exit code.</summary>
    public int Run(CancellationToken cancellation)
    {
        var o = options.Value;
        Suite suite = source.Suite;
        string suiteFolder = Path.GetFullPath(Path.Combine(o.Output, suite.Name));
        EnsureWritable(suiteFolder);
        if (o.PinKernels) KernelPinning.Pin(o.VendorIndependentKernels);          // before anything loads libtorch
        var views = new RunDataViews();
        Shard? shard = Shard.Parse(o.Shard);
        IReadOnlyList<int> runs = shard is null || o.ReportOnly ? [.. Enumerable.Range(0, suite.Runs.Count)] : ShardAssignment.RunsOf(suite.Runs, shard);
        OutputChecks.Check(suiteFolder, runs.Select(i => suite.Runs[i].Name), write: !o.ReportOnly);
        using var suiteLock = SuiteLock.Acquire(suite, suiteFolder);
        if (o.ReportOnly) return Merge(suite, suiteFolder, views);
        if (shard is null) Log.SuiteStarting(logger, suite.Name, suite.Runs.Count, suiteFolder);
        else Log.ShardStarting(logger, suite.Name, shard.ToString(), runs.Count, suite.Runs.Count, suiteFolder,
            runs.Count == 0 ? "none" : string.Join(", ", runs.Select(i => suite.Runs[i].Name)));
        int cores = o.Threads > 0 ? o.Threads : o.PinKernels ? o.ParallelRuns : Environment.ProcessorCount;
        TorchRuntime.Configure(Math.Max(1, cores / o.ParallelRuns));
        Log.Numerics(logger, KernelPinning.Describe(), Math.Max(1, cores / o.ParallelRuns));
        CheckRuns(suite, runs, suiteFolder, o.Resume, views);
        var texts = new SharedTexts();
        var jobs = runs.Select(i => new RunJob(suite, i, suite.Runs[i], new RunFolder(suiteFolder, suite.Runs[i].Name), views, texts, o.Resume, logger, clock, TimeSpan.FromSeconds(o.ProgressSeconds)) { TensorBoard = o.TensorBoard }).ToArray();
        var outcomes = new RunOutcome[runs.Count];
        long started = clock.GetTimestamp();
        var ready = new List<int>();
        for (int k = 0; k < jobs.Length; k++)
        {
            try
            {
                if (jobs[k].Prepare() is { } finished) outcomes[k] = finished;
                else ready.Add(k);
            }
            catch (Exception e) when (e is not InputException)
            {
                outcomes[k] = jobs[k].Failed(e);
            }
        }
        var throughput = new ThroughputReporter(logger, clock, TimeSpan.FromSeconds(o.ProgressSeconds));
        Parallel.ForEach(Partitioner.Create(Units(jobs, ready, o.BatchRuns, o.ParallelRuns), EnumerablePartitionerOptions.NoBuffering),
            new ParallelOptions { MaxDegreeOfParallelism = o.ParallelRuns },
            unit => Train(jobs, unit, outcomes, throughput, cancellation));
        double seconds = clock.GetElapsedTime(started).TotalSeconds;
        long characters = jobs.Sum(j => j.CharactersTrained);
        if (characters > 0) Log.SuiteThroughput(logger, characters, seconds, characters / Math.Max(1e-9, seconds));

        // Shards share the suite folder: the report is written once, by --report after every shard has finished.
        string? report = shard is null ? WriteReport(suite, suiteFolder, outcomes.Where(r => r.Recording.Metrics.Count > 0).ToArray(), []) : null;
        foreach (string line in SummaryTable.Format(outcomes)) Log.SummaryLine(logger, line);
        if (report is not null) Log.ReportWritten(logger, report);
        else Log.ShardFinished(logger, shard!.ToString());
        if (PeakMemory.Resident() is { } peak) Log.PeakMemory(logger, peak / (1024.0 * 1024.0));

        if (outcomes.Any(r => r.State == RunStatus.Cancelled) || cancellation.IsCancellationRequested)
        {
            Log.Cancelled(logger);
            return ExitCodes.Cancelled;
        }
        return outcomes.Any(r => r.State == RunStatus.Failed) ? ExitCodes.RunFailed : ExitCodes.Success;
    }

    /// <summary>Renders the report from every finished run in the folder; exit code 1 when runs are absent.</summary>
    private int Merge(Suite suite, string suiteFolder, RunDataViews views)
    {
        // Runs another process is writing are left out (see SavedRuns); the others are read-locked while they are read,
        // so that other reports can read them at the same time.
        var (finished, absent) = SavedRuns.Load(views, suite, suiteFolder);
        if (finished.Count == 0)
            throw new InputException($"no finished runs in '{suiteFolder}' to report ({absent[0].Name}: {absent[0].Reason})");
        string report = WriteReport(suite, suiteFolder, finished, absent);
        foreach (string line in SummaryTable.Format(finished)) Log.SummaryLine(logger, line);
        foreach (var run in absent) Log.RunAbsent(logger, run.Name, run.Reason);
        Log.ReportWritten(logger, report);
        return absent.Count == 0 ? ExitCodes.Success : ExitCodes.RunFailed;
    }

    private static string WriteReport(Suite suite, string suiteFolder, IReadOnlyList<RunOutcome> runs, IReadOnlyList<AbsentRun> absent)
    {
        // Temporary files of a report writer that was killed (another report may be writing now: only dead processes' files go).
        AtomicFile.DeleteOrphans(suiteFolder);
        AtomicFile.DeleteOrphans(Path.Combine(suiteFolder, "plots"));
        return SuiteReport.Write(suiteFolder, suite.Name, suite.Description,
            runs.Select(r => new ReportRun(r.Recording, r.Spec, Path.GetRelativePath(suiteFolder, new RunFolder(suiteFolder, r.Spec.Name).Data))).ToArray(), absent,
            Machine.Describe());
    }

    /// <summary>
    /// What trains together: with <paramref name="batch"/>, runs of one shape (<see cref="TrainingSession.ShapeKeyOf"/>) in
    /// stacks, each shape's runs split evenly over the <paramref name="workers"/> parallel workers (so that a single
    /// sweep keeps every worker busy), at most <see cref="TrainingBatch.MaxRuns(Options.RunSpec, Training.Text.CharCorpus)"/> per stack and no more runs than the
    /// open-file limit lets hold their locks at once (<see cref="OpenFiles.RunsPerUnit"/>); otherwise each run alone.
    /// A stack gives each run the bits it gets alone, so the choice changes only the speed. Largest amount of work first,
    /// so that parallel workers finish close together.
    /// </summary>
    private static IEnumerable<int[]> Units(RunJob[] jobs, List<int> ready, bool batch, int workers)
    {
        int lockable = OpenFiles.RunsPerUnit(OpenFiles.Limit(), workers);      // read once: /proc/self/limits
        var units = batch
            ? ready.GroupBy(k => jobs[k].Shape.Key)
                .SelectMany(g => g.Chunk(Math.Min(Math.Min(jobs[g.First()].Shape.PerStack, lockable), (g.Count() + workers - 1) / workers)))
            : ready.Select(k => new[] { k });
        return units.OrderByDescending(unit => unit.Sum(k => ShardAssignment.Cost(jobs[k].Spec))).ToArray();
    }

    /// <summary>Trains one unit (a run alone or a stack of runs) and finishes each of its runs.</summary>
    private void Train(RunJob[] jobs, int[] unit, RunOutcome[] outcomes, ThroughputReporter throughput, CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested)
        {
            foreach (int k in unit) outcomes[k] = Settle(jobs[k].Cancelled, jobs[k].Failed);   // not started
            return;
        }
        var started = new List<StartedRun>();
        RunStatus[] statuses;
        try
        {
            foreach (int k in unit) started.Add(jobs[k].Start());
            if (unit.Length > 1)
                Log.BatchStarting(logger, unit.Length, started[0].Session.ShapeKey, string.Join(", ", unit.Select(k => jobs[k].Spec.Name)));
            statuses = TrainToEnd(started, throughput, cancellation);
        }
        catch (Exception e) when (e is not InputException)
        {
            for (int i = 0; i < unit.Length; i++)
                outcomes[unit[i]] = i < started.Count ? started[i].Failed(e) : jobs[unit[i]].Failed(e);
            foreach (var run in started) Release(run, throughput);
            return;
        }
        for (int i = 0; i < unit.Length; i++)
        {
            var (run, status) = (started[i], statuses[i]);
            outcomes[unit[i]] = Settle(() => run.Finish(status), run.Failed);
            Release(run, throughput);
        }
    }

    /// <summary>The outcome <paramref name="finish"/> returns, or when it throws (but for bad input), the run's failure.</summary>
    private static RunOutcome Settle(Func<RunOutcome> finish, Func<Exception, RunOutcome> failed)
    {
        try
        {
            return finish();
        }
        catch (Exception e) when (e is not InputException)
        {
            return failed(e);
        }
    }

    /// <summary>Disposes a started run: its session, text and lock go, and it no longer counts in the throughput.</summary>
    private static void Release(StartedRun run, ThroughputReporter throughput)
    {
        string name = run.Session.Spec.Name;
        run.Dispose();
        throughput.Finished(name);
    }

    /// <summary>
    /// The run loop of a unit: trains its runs (<see cref="TrainingBatch"/>) up to the nearest save point of any of them
    /// (<see cref="StartedRun.SavePoint"/>); there, with training off the stack, each run that just reached its own save
    /// point scores its probe and writes its checkpoint (<see cref="StartedRun.AtSavePoint"/>); and so on until every run
    /// completed, halted or was cancelled. Progress is only logged. Returns each run's status.
    /// </summary>
    private static RunStatus[] TrainToEnd(IReadOnlyList<StartedRun> runs, ThroughputReporter throughput, CancellationToken cancellation)
    {
        var status = new RunStatus?[runs.Count];
        while (true)
        {
            int[] training = [.. Enumerable.Range(0, runs.Count).Where(i => status[i] is null)];
            if (training.Length == 0) return [.. status.Select(s => s!.Value)];
            int until = training.Min(i => runs[i].SavePoint);
            int[] from = [.. training.Select(i => runs[i].Session.Step)];
            var reached = new TrainingBatch([.. training.Select(i => runs[i].Session)]).Train(cancellation, (k, p) =>
            {
                runs[training[k]].ReportProgress(p);
                throughput.Report(runs[training[k]].Session.Spec.Name, p);
            }, until);
            for (int k = 0; k < training.Length; k++)
            {
                var run = runs[training[k]];
                if (reached[k] != RunStatus.Completed || run.Session.Step >= run.Session.TotalSteps) status[training[k]] = reached[k];
                else if (run.Session.Step > from[k]) run.AtSavePoint();                // scores and saves if this is its own
            }
        }
    }

    /// <summary>
    /// Before anything trains: no other process writes a folder of the runs this process writes, and for --resume every
    /// file it will read is intact and belongs to the run. Each existing run folder is locked only while it is checked
    /// (see <see cref="RunLock"/>), one at a time, so the check holds one open file however many runs the suite has;
    /// a run takes its lock again when it starts (<see cref="RunJob.Start"/>).
    /// </summary>
    /// <exception cref="InputException">A folder is in use by another process, or a file it holds is damaged or foreign.</exception>
    private void CheckRuns(Suite suite, IReadOnlyList<int> runs, string suiteFolder, bool resume, RunDataViews views)
    {
        foreach (int i in runs)
        {
            var folder = new RunFolder(suiteFolder, suite.Runs[i].Name);
            if (!Directory.Exists(folder.Path)) continue;                       // no process writes a folder that does not exist
            using var runLock = RunLock.Acquire(folder.Path, "checking the run before training");
            if (runLock.PreviousHolder is { } holder) Log.LockTakenOver(logger, folder.Path, holder);
            if (resume) RunJob.VerifyResumable(suite, suite.Runs[i], folder, views);
        }
    }

    private static void EnsureWritable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            // Named per process: shards check the same folder at the same time.
            string check = Path.Combine(folder, $".write-check.{Environment.ProcessId}.{Guid.NewGuid():N}");
            AtomicFile.WriteAllText(check, "");
            File.Delete(check);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"output folder '{folder}' is not writable ({e.Message.TrimEnd('.')}): choose another with --output");
        }
    }
}
