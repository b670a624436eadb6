using Microsoft.ML;
using RnnPipeline.DataViews;
using RnnPipeline.IO;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Training;
using static RnnPipeline.Tests.Core.IO.SpecialFiles;

namespace RnnPipeline.Tests.Worker;

/// <summary>
/// Every file a reader takes from a run folder (checkpoint, run.json, both SHA256SUMS, a data view), replaced by a FIFO,
/// a link to /dev/zero or a sparse file one byte above its bound: --resume, --report and ApplyCharRnn refuse it with one
/// line naming it (exit 2 / InputException), and none waits on it or reads it whole.
/// </summary>
public sealed class RunFolderFileTests : IClassFixture<RunFolderFileTests.FinishedRun>, IDisposable
{
    private readonly FinishedRun _finished;
    private readonly TestSuites _suites = new();

    public RunFolderFileTests(FinishedRun finished) => _finished = finished;

    public void Dispose() => _suites.Dispose();

    private const string OneRun = MLNet.CharRnnPretrainedTests.OneRun;

    /// <summary>The one-run suite trained to the end by the worker.</summary>
    public sealed class FinishedRun : IDisposable
    {
        internal TestSuites Suites { get; } = new();

        public FinishedRun()
        {
            var result = WorkerProcess.Run(Suites.Folder, "--suite", Suites.Write("pre.json", OneRun), "--output", Suites.Output, "--threads", "1");
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        }

        public void Dispose() => Suites.Dispose();
    }

    /// <summary>A copy of the finished suite's output in this test's folder; returns the run folder.</summary>
    private string CopyRun()
    {
        foreach (string file in Directory.GetFiles(_finished.Suites.Output, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(_suites.Output, Path.GetRelativePath(_finished.Suites.Output, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return Path.Combine(_suites.Output, "pre", "text");
    }

    private static long Bound(string file, string run) => file switch
    {
        "checkpoint.bin" => TrainingSession.MaximumCheckpointBytes(RunStateFile.Read(Path.Combine(run, RunStateFile.FileName), "")!.Spec),
        RunStateFile.FileName => RunStateFile.MaximumBytes,
        "data/metrics.idv" => RunDataViews.MaximumFileBytes,
        _ => FileChecksums.MaximumListBytes,
    };

    [Theory]
    [InlineData("checkpoint.bin", Kind.Fifo)]
    [InlineData("checkpoint.bin", Kind.DevZeroLink)]
    [InlineData("checkpoint.bin", Kind.Oversized)]
    [InlineData("run.json", Kind.Fifo)]
    [InlineData("run.json", Kind.DevZeroLink)]
    [InlineData("run.json", Kind.Oversized)]
    [InlineData("SHA256SUMS", Kind.Fifo)]
    [InlineData("SHA256SUMS", Kind.DevZeroLink)]
    [InlineData("SHA256SUMS", Kind.Oversized)]
    [InlineData("data/SHA256SUMS", Kind.Fifo)]
    [InlineData("data/SHA256SUMS", Kind.DevZeroLink)]
    [InlineData("data/SHA256SUMS", Kind.Oversized)]
    [InlineData("data/metrics.idv", Kind.Fifo)]
    [InlineData("data/metrics.idv", Kind.DevZeroLink)]
    [InlineData("data/metrics.idv", Kind.Oversized)]
    public void SpecialFileInARunFolder_IsRefusedByName_ByResumeReportAndApplyCharRnn(string file, Kind kind)
    {
        string run = CopyRun();
        long bound = Bound(file, run);
        string path = Path.Combine(run, file);
        Plant(path, kind, bound);

        var error = Refused(() => new MLContext(seed: 0).Transforms.Text.ApplyCharRnn(run, "F", "Text"));
        Assert.Contains(path, error.Message);
        Assert.Contains(Refusal(kind, bound), error.Message);

        // The worker reads through the same readers (FileChecksums, RunStateFile, the checkpoint and data view readers):
        // checked end to end with a FIFO, the case that used to hang it. --report reads run.json, the checksums and the
        // data views of a finished run, not its checkpoint.
        if (kind != Kind.Fifo) return;
        string suite = _suites.Write("pre.json", OneRun);
        foreach (string[] mode in file == "checkpoint.bin" ? [["--resume"]] : (string[][])[["--resume"], ["--report"]])
        {
            var result = WorkerProcess.Run(_suites.Folder, ["--suite", suite, "--output", _suites.Output, "--threads", "1", .. mode]);
            Assert.True(result.ExitCode == 2, $"{mode[0]}: exit {result.ExitCode}: {result.Stdout}{result.Stderr}");
            string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", line);
            Assert.Contains(path, line);
            Assert.Contains(Refusal(kind, bound), line);
        }
    }

    [Theory]
    [InlineData(Kind.Fifo)]
    [InlineData(Kind.DevZeroLink)]
    [InlineData(Kind.Oversized)]
    public void SpecialFileAsAModelPath_IsRefusedByName_ByLoadAndFromCheckpoint(Kind kind)
    {
        string run = CopyRun();
        var spec = RunStateFile.Read(Path.Combine(run, RunStateFile.FileName), "")!.Spec;
        string model = Path.Combine(_suites.Folder, "model.bin");
        Plant(model, kind, CharRnnTransformer.MaximumFileBytes);
        Assert.Contains(model, Refused(() => CharRnnTransformer.Load(new MLContext(seed: 0), model)).Message);
        Assert.Contains(model, Refused(() => new MLContext(seed: 0).Transforms.Text.ApplyCharRnn(model, "F", "Text")).Message);
        Plant(model, kind, TrainingSession.MaximumCheckpointBytes(spec));
        Assert.Contains(Refusal(kind, TrainingSession.MaximumCheckpointBytes(spec)), Refused(() => CharRnnModel.FromCheckpoint(spec, model)).Message);
    }

    [Fact]
    public void ApplyCharRnn_UnfinishedRun_WarnsOnTheLog_FailedRunAndAnotherRunsData_AreRefused()
    {
        string run = CopyRun();
        string state = Path.Combine(run, RunStateFile.FileName);
        var spec = RunStateFile.Read(state, "")!.Spec;
        void WriteState(RunStatus status)
        {
            using var files = new AtomicFileSet();
            files.WriteAllText(state, new RunStateFile(status, 8, spec).Serialize());
            files.Commit();
        }

        WriteState(RunStatus.Cancelled);
        var ml = new MLContext(seed: 0);
        var log = new List<string>();
        ml.Log += (_, e) => { lock (log) log.Add(e.Message); };
        var lines = ml.Data.LoadFromEnumerable(new[] { new { Text = "a line" } });
        using (ml.Transforms.Text.ApplyCharRnn(run, "F", "Text").Fit(lines)) { }
        lock (log) Assert.Contains(log, m => m.Contains("unfinished (cancelled after 8 of 16 steps)", StringComparison.Ordinal));

        WriteState(RunStatus.Failed);
        Assert.Contains("failed", Refused(() => ml.Transforms.Text.ApplyCharRnn(run, "F", "Text")).Message);

        WriteState(RunStatus.Completed);
        var other = spec.Clone();
        other.Name = "other";
        new RunDataViews().Save(new RnnPipeline.Diagnostics.RunRecording(RnnPipeline.Diagnostics.RunInfo.For("pre", other)), Path.Combine(run, "data"));
        var foreign = Refused(() => ml.Transforms.Text.ApplyCharRnn(run, "F", "Text"));
        Assert.Contains("pre/other", foreign.Message);
        Assert.Contains(Path.Combine(run, "data"), foreign.Message);
    }
}
