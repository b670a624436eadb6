using RnnPipeline.DataViews;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Reporting;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// The runs of a suite as saved in its output folder, whether one process or several shards wrote them: what
/// <c>--report</c> merges. A run is in the report when it finished (completed or halted) with the suite's settings;
/// every other run is listed as absent with the reason and the fix: also a run another process is writing (its folder
/// is locked) and a run killed while its files were being replaced (they may mix two versions).
/// </summary>
internal static class SavedRuns
{
    /// <summary>The finished runs in suite order, and the runs left out.</summary>
    /// <exception cref="InputException">A file of a run is damaged.</exception>
    public static (IReadOnlyList<RunOutcome> Finished, IReadOnlyList<AbsentRun> Absent) Load(RunDataViews views, Suite suite, string suiteFolder)
    {
        var finished = new List<RunOutcome>();
        var absent = new List<AbsentRun>();
        foreach (var spec in suite.Runs)
        {
            var folder = new RunFolder(suiteFolder, spec.Name);
            // A reader's (shared) lock while the run is read, one run at a time: other reports may read it too.
            bool exists = Directory.Exists(folder.Path);
            using var readLock = exists ? RunLock.TryAcquire(folder.Path, "writing the report", shared: true) : null;
            bool busy = exists && readLock is null;
            RunStatus? state = busy ? null : folder.ReadState();
            string? reason = state switch
            {
                _ when busy => $"being written by another process right now (its {RunLock.FileName} names it): wait for it to finish, then --report again",
                _ when FileChecksums.HasInterruptedCommit(folder.Data) =>
                    "killed while its files were being replaced, so they may mix two versions: continue its shard with --resume",
                null => "missing: no process has written it yet (run its shard; --resume keeps the runs already finished)",
                RunStatus.Failed => "failed (its shard's log has the error): run its shard again with --resume",
                RunStatus.Cancelled => "unfinished (cancelled): continue its shard with --resume",
                _ => null,
            };
            if (reason is null)
            {
                var recording = views.Load(folder.Data);
                string expected = spec.ConfigHash();
                if (recording.Info.ConfigHash == expected && recording.Info.RunId != RunInfo.For(suite.Name, spec).RunId)
                    throw new InputException(
                        $"the data views in '{folder.Data}' belong to run {recording.Info.RunId}, not to {RunInfo.For(suite.Name, spec).RunId}: restore the run's own files, or train it again");
                if (recording.Info.ConfigHash == expected)
                    finished.Add(new RunOutcome(spec, recording, state!.Value, 0, folder.Path));
                else
                    reason = $"trained with other settings (config {recording.Info.ConfigHash}, this suite {expected}): run every shard and the report with the same suite file and overrides";
            }
            if (reason is not null) absent.Add(new AbsentRun(spec.Name, reason));
        }
        return (finished, absent);
    }
}
