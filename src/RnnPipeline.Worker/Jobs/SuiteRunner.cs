using Microsoft.Extensions.Options;
using Microsoft.ML;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.MLNet;
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
        var ml = new MLContext(seed: 0);
        if (o.ReportOnly) return Merge(suite, suiteFolder, ml);
        Shard? shard = Shard.Parse(o.Shard);
        IReadOnlyList<int> runs = shard is null ? [.. Enumerable.Range(0, suite.Runs.Count)] : ShardAssignment.RunsOf(suite.Runs, shard);
        if (shard is null) Log.SuiteStarting(logger, suite.Name, suite.Runs.Count, suiteFolder);
        else Log.ShardStarting(logger, suite.Name, shard.ToString(), runs.Count, suite.Runs.Count, suiteFolder,
            runs.Count == 0 ? "none" : string.Join(", ", runs.Select(i => suite.Runs[i].Name)));
        int cores = o.Threads > 0 ? o.Threads : Environment.ProcessorCount;
        TorchRuntime.Configure(Math.Max(1, cores / o.ParallelRuns));
        using var locks = LockRuns(suite, runs, suiteFolder, o.Resume, ml);
        var outcomes = new RunOutcome[runs.Count];
        Parallel.For(0, runs.Count, new ParallelOptions { MaxDegreeOfParallelism = o.ParallelRuns },
            i => outcomes[i] = RunOne(suite, runs[i], suiteFolder, ml, o, cancellation));

        // Shards share the suite folder: the report is written once, by --report after every shard has finished.
        string? report = shard is null ? WriteReport(suite, suiteFolder, outcomes.Where(r => r.Recording.Metrics.Count > 0).ToArray(), []) : null;
        foreach (string line in SummaryTable.Format(outcomes)) Log.SummaryLine(logger, line);
        if (report is not null) Log.ReportWritten(logger, report);
        else Log.ShardFinished(logger, shard!.ToString());

        if (outcomes.Any(r => r.State == RunState.Cancelled) || cancellation.IsCancellationRequested)
        {
            Log.Cancelled(logger);
            return ExitCodes.Cancelled;
        }
        return outcomes.Any(r => r.State == RunState.Failed) ? ExitCodes.RunFailed : ExitCodes.Success;
    }

    /// <summary>Renders the report from every finished run in the folder; exit code 1 when runs are absent.</summary>
    private int Merge(Suite suite, string suiteFolder, MLContext ml)
    {
        // Runs another process is writing are left out (see SavedRuns); the others stay locked while they are read.
        using var locks = RunLock.AcquireAvailable(suite.Runs.Select(r => new RunFolder(suiteFolder, r.Name).Path).Where(Directory.Exists), "writing the report");
        var (finished, absent) = SavedRuns.Load(ml, suite, suiteFolder, locks);
        if (finished.Count == 0)
            throw new InputException($"no finished runs in '{suiteFolder}' to report ({absent[0].Name}: {absent[0].Reason})");
        string report = WriteReport(suite, suiteFolder, finished, absent);
        foreach (string line in SummaryTable.Format(finished)) Log.SummaryLine(logger, line);
        foreach (var run in absent) Log.RunAbsent(logger, run.Name, run.Reason);
        Log.ReportWritten(logger, report);
        return absent.Count == 0 ? ExitCodes.Success : ExitCodes.RunFailed;
    }

    private static string WriteReport(Suite suite, string suiteFolder, IReadOnlyList<RunOutcome> runs, IReadOnlyList<AbsentRun> absent) =>
        SuiteReport.Write(suiteFolder, suite.Name, suite.Description,
            runs.Select(r => new ReportRun(r.Recording, r.Spec, Path.GetRelativePath(suiteFolder, new RunFolder(suiteFolder, r.Spec.Name).Data))).ToArray(), absent);

    private RunOutcome RunOne(Suite suite, int index, string suiteFolder, MLContext ml, WorkerOptions o, CancellationToken cancellation)
    {
        var spec = suite.Runs[index];
        var folder = new RunFolder(suiteFolder, spec.Name);
        if (cancellation.IsCancellationRequested && !File.Exists(folder.Checkpoint))
            return new RunOutcome(spec, new RunRecording(RunInfo.For(suite.Name, spec)), RunState.Cancelled, 0, folder.Path);
        try
        {
            var job = new RunJob(suite, index, spec, folder, ml, logger, clock, TimeSpan.FromSeconds(o.ProgressSeconds));
            return job.Execute(o.Resume, cancellation);
        }
        catch (Exception e) when (e is not InputException)
        {
            Log.RunFailed(logger, spec.Name, e.Message.Split('\n')[0].Trim(), e);
            folder.WriteState(spec, RunState.Failed, 0);
            return new RunOutcome(spec, new RunRecording(RunInfo.For(suite.Name, spec)), RunState.Failed, 0, folder.Path);
        }
    }

    /// <summary>
    /// Locks the folders of the runs this process writes (see <see cref="RunLock"/>) and, for --resume, checks every
    /// file it will read before anything trains.
    /// </summary>
    private RunLocks LockRuns(Suite suite, IReadOnlyList<int> runs, string suiteFolder, bool resume, MLContext ml)
    {
        var locks = RunLock.AcquireAll(runs.Select(i => new RunFolder(suiteFolder, suite.Runs[i].Name).Path), "training");
        try
        {
            foreach (var (folder, holder) in locks.Interrupted) Log.LockTakenOver(logger, folder, holder);
            if (resume)
                foreach (int i in runs) RunJob.VerifyResumable(suite.Runs[i], new RunFolder(suiteFolder, suite.Runs[i].Name), new RunDataViews(ml));
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
