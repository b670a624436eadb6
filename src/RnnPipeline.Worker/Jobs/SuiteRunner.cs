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

/// <summary>Runs every run of the suite, then writes the suite report and a summary table.</summary>
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

        IReadOnlyList<RunOutcome> outcomes;
        if (o.ReportOnly)
        {
            outcomes = suite.Runs.Select(spec => Saved(ml, suiteFolder, spec)).ToArray();
        }
        else
        {
            Log.SuiteStarting(logger, suite.Name, suite.Runs.Count, suiteFolder);
            int cores = o.Threads > 0 ? o.Threads : Environment.ProcessorCount;
            TorchRuntime.Configure(Math.Max(1, cores / o.ParallelRuns));
            var results = new RunOutcome[suite.Runs.Count];
            Parallel.For(0, suite.Runs.Count, new ParallelOptions { MaxDegreeOfParallelism = o.ParallelRuns },
                i => results[i] = RunOne(suite, i, suiteFolder, ml, o, cancellation));
            outcomes = results;
        }

        string report = SuiteReport.Write(suiteFolder, suite.Name, suite.Description,
            outcomes.Where(r => r.Recording.Metrics.Count > 0).Select(r => new ReportRun(r.Recording, r.Spec, Path.GetRelativePath(suiteFolder, new RunFolder(suiteFolder, r.Spec.Name).Data))).ToArray());
        foreach (string line in SummaryTable.Format(outcomes)) Log.SummaryLine(logger, line);
        Log.ReportWritten(logger, report);

        if (outcomes.Any(r => r.State == RunState.Cancelled) || cancellation.IsCancellationRequested)
        {
            Log.Cancelled(logger);
            return ExitCodes.Cancelled;
        }
        return outcomes.Any(r => r.State == RunState.Failed) ? ExitCodes.RunFailed : ExitCodes.Success;
    }

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

    private static RunOutcome Saved(MLContext ml, string suiteFolder, Options.RunSpec spec)
    {
        var folder = new RunFolder(suiteFolder, spec.Name);
        if (!Directory.Exists(folder.Data))
            throw new InputException($"no saved data views in '{folder.Data}': run the suite first (without --report)");
        return new RunOutcome(spec, new RunDataViews(ml).Load(folder.Data), folder.ReadState() ?? RunState.Completed, 0, folder.Path);
    }

    private static void EnsureWritable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            AtomicFile.WriteAllText(Path.Combine(folder, ".write-check"), "");
            File.Delete(Path.Combine(folder, ".write-check"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"output folder '{folder}' is not writable ({e.Message.TrimEnd('.')}): choose another with --output");
        }
    }
}
