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
        using var locks = LockRuns(suite, runs, suiteFolder, o.Resume, views);
        var jobs = runs.Select(i => new RunJob(suite, i, suite.Runs[i], new RunFolder(suiteFolder, suite.Runs[i].Name), views, logger, clock, TimeSpan.FromSeconds(o.ProgressSeconds)) { TensorBoard = o.TensorBoard }).ToArray();
        var outcomes = new RunOutcome[runs.Count];
        long started = clock.GetTimestamp();
        try
        {
            var ready = new List<int>();
            for (int k = 0; k < jobs.Length; k++)
            {
                try
                {
                    if (jobs[k].Prepare(o.Resume) is { } finished) outcomes[k] = finished;
                    else ready.Add(k);
                }
                catch (Exception e) when (e is not InputException)
                {
                    outcomes[k] = jobs[k].Failed(e);
                }
            }
            var throughput = new ThroughputReporter(logger, clock, TimeSpan.FromSeconds(o.ProgressSeconds));
            Parallel.ForEach(Partitioner.Create(Units(jobs, ready, o.BatchRuns && o.ParallelRuns == 1), EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = o.ParallelRuns },
                unit => Train(jobs, unit, outcomes, throughput, cancellation));
            double seconds = clock.GetElapsedTime(started).TotalSeconds;
            long characters = jobs.Sum(j => j.CharactersTrained);
            if (characters > 0) Log.SuiteThroughput(logger, characters, seconds, characters / Math.Max(1e-9, seconds));
        }
        finally
        {
            foreach (var job in jobs) job.Dispose();
        }

        // Shards share the suite folder: the report is written once, by --report after every shard has finished.
        string? report = shard is null ? WriteReport(suite, suiteFolder, outcomes.Where(r => r.Recording.Metrics.Count > 0).ToArray(), []) : null;
        foreach (string line in SummaryTable.Format(outcomes)) Log.SummaryLine(logger, line);
        if (report is not null) Log.ReportWritten(logger, report);
        else Log.ShardFinished(logger, shard!.ToString());

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
        // Runs another process is writing are left out (see SavedRuns); the others stay read-locked while they are read,
        // so that other reports can read them at the same time.
        using var locks = RunLock.AcquireReadable(suite.Runs.Select(r => new RunFolder(suiteFolder, r.Name).Path).Where(Directory.Exists), "writing the report");
        var (finished, absent) = SavedRuns.Load(views, suite, suiteFolder, locks);
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
    /// stacks of up to <see cref="TrainingBatch.MaxRuns"/>; otherwise each run alone. Largest amount of work first, so
    /// that parallel workers finish close together. Stacks are used only with one worker: with --parallel 2, runs alone
    /// on one thread each trained a sweep faster than stacks did (make bench, sweep table).
    /// </summary>
    private static IEnumerable<int[]> Units(RunJob[] jobs, List<int> ready, bool batch)
    {
        var units = batch
            ? ready.GroupBy(k => TrainingSession.ShapeKeyOf(jobs[k].Spec, jobs[k].Corpus))
                .SelectMany(g => g.Chunk(TrainingBatch.MaxRuns(jobs[g.First()].Spec, jobs[g.First()].Corpus)))
            : ready.Select(k => new[] { k });
        return units.OrderByDescending(unit => unit.Sum(k => ShardAssignment.Cost(jobs[k].Spec))).ToArray();
    }

    /// <summary>Trains one unit (a run alone or a stack of runs) and finishes each of its runs.</summary>
    private void Train(RunJob[] jobs, int[] unit, RunOutcome[] outcomes, ThroughputReporter throughput, CancellationToken cancellation)
    {
        void Progress(int i, TrainingProgress p)
        {
            jobs[unit[i]].ReportProgress(p);
            throughput.Report(jobs[unit[i]].Spec.Name, p);
            jobs[unit[i]].ProbeIfDue(p);                                        // before a checkpoint, which then holds it
            jobs[unit[i]].CheckpointIfDue(p);
        }
        RunStatus[] statuses;
        try
        {
            if (cancellation.IsCancellationRequested)
            {
                statuses = [.. unit.Select(_ => RunStatus.Cancelled)];                // not started: nothing is written for it
            }
            else if (unit.Length == 1)
            {
                statuses = [jobs[unit[0]].Start().Train(cancellation, p => Progress(0, p))];
            }
            else
            {
                var sessions = unit.Select(k => jobs[k].Start()).ToArray();
                Log.BatchStarting(logger, unit.Length, sessions[0].ShapeKey, string.Join(", ", unit.Select(k => jobs[k].Spec.Name)));
                statuses = new TrainingBatch(sessions).Train(cancellation, Progress);
            }
        }
        catch (Exception e) when (e is not InputException)
        {
            foreach (int k in unit)
            {
                outcomes[k] = jobs[k].Failed(e);
                jobs[k].Dispose();
                throughput.Finished(jobs[k].Spec.Name);
            }
            return;
        }
        for (int i = 0; i < unit.Length; i++)
        {
            try
            {
                outcomes[unit[i]] = jobs[unit[i]].Finish(statuses[i]);
            }
            catch (Exception e) when (e is not InputException)
            {
                outcomes[unit[i]] = jobs[unit[i]].Failed(e);
            }
            finally
            {
                jobs[unit[i]].Dispose();
                throughput.Finished(jobs[unit[i]].Spec.Name);
            }
        }
    }

    /// <summary>
    /// Locks the folders of the runs this process writes (see <see cref="RunLock"/>) and, for --resume, checks every
    /// file it will read before anything trains.
    /// </summary>
    private RunLocks LockRuns(Suite suite, IReadOnlyList<int> runs, string suiteFolder, bool resume, RunDataViews views)
    {
        var locks = RunLock.AcquireAll(runs.Select(i => new RunFolder(suiteFolder, suite.Runs[i].Name).Path), "training");
        try
        {
            foreach (var (folder, holder) in locks.Interrupted) Log.LockTakenOver(logger, folder, holder);
            if (resume)
                foreach (int i in runs) RunJob.VerifyResumable(suite, suite.Runs[i], new RunFolder(suiteFolder, suite.Runs[i].Name), views);
            return locks;
        }
        catch
        {
            locks.Dispose();
            throw;
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
