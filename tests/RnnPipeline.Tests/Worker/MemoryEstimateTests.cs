using RnnPipeline.Options;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Tests.Worker;

/// <summary>
/// The memory estimate: exact on a shape small enough to count by hand, the right dominant term and setting for each kind
/// of huge run, and the runs held at once (stacks, --parallel). MemoryPeakTests checks it against measured peaks.
/// </summary>
public sealed class MemoryEstimateTests
{
    private static RunSpec Small() => new()
    {
        Model = { HiddenSize = 2 },
        Training = { BatchSize = 1, WindowLength = 1, EvalWindows = 1, Steps = 1 },
        Diagnostics = { Every = 0 },
    };

    [Fact]
    public void Terms_OfAHandSizedRun_AreCountedExactly()
    {
        // H = 2, V = E = 3 (one-hot): 3·2 + 2·2 + 2 + 2·3 + 3 = 21 parameters × 4 bytes × 5 (weight, gradient, stacked
        // copy, 2 Adam moments) = 420; 10 characters × 14 bytes = 140; the run kept for the report, 64 KiB, and its one
        // step's records 3 × (4·T + 256) = 780.
        // Window of 1 × 1: 4 bytes × (7·2 + 5·3) = 116 plus the stacked weights and gradients 2 × 4 × 21 = 168; the
        // validation window 4 × (2·2 + 3·3) = 52. Every run term × 1.25.
        var estimate = new MemoryEstimate(Small(), vocabulary: 3, textLength: 10, probeEvaluationLength: 0);
        double slack = MemoryEstimate.Slack;
        Assert.Equal([MemoryEstimate.ProcessBytes, slack * 140, slack * 420, slack * (MemoryEstimate.RunBytes + 780), slack * 284, slack * 52, 0],
            estimate.Terms.Select(t => t.Bytes));
        Assert.Equal(MemoryEstimate.ProcessBytes + slack * (140 + 420 + MemoryEstimate.RunBytes + 780 + 284 + 52), estimate.Peak);
    }

    public static TheoryData<string, string, string> HugeRuns() => new()
    {
        { "Model.HiddenSize=4096", "the weights", "Model.HiddenSize" },
        { "Model.HiddenSize=512 Training.BatchSize=4096 Training.WindowLength=100000", "training window", "Training.BatchSize or Training.WindowLength" },
        { "Model.HiddenSize=1024 Diagnostics.Every=10 Diagnostics.AnalysisLength=100000", "the stability analysis", "Diagnostics.AnalysisLength" },
        { "Model.HiddenSize=64 Diagnostics.Every=10 Diagnostics.AnalysisLength=10000 Diagnostics.BurnIn=100000", "the analysis sequence", "Diagnostics.AnalysisLength" },
        { "Model.HiddenSize=2048 Diagnostics.Every=10 Diagnostics.ProductSequences=256 Diagnostics.ProbeSequences=256 Diagnostics.AnalysisLength=2", "the stability analysis", "Diagnostics.ProductSequences" },
        { "Model.HiddenSize=64 Probe=40000000", "the probe evaluation", "Probe.SamplesPerLag" },
        { "Text=100000000", "the text", "Corpus" },
        { "Training.Steps=1000000 Training.WindowLength=2000", "the records of", "Training.Steps" },
    };

    [Theory]
    [MemberData(nameof(HugeRuns))]
    public void Refusal_OfAHugeRun_NamesTheDominantTermAndTheSetting(string settings, string term, string setting)
    {
        var run = Small();
        long text = 1_000_000, probe = 0;
        foreach (string pair in settings.Split(' '))
        {
            var (key, value) = (pair.Split('=')[0], int.Parse(pair.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
            switch (key)
            {
                case "Model.HiddenSize": run.Model.HiddenSize = value; break;
                case "Training.BatchSize": run.Training.BatchSize = value; break;
                case "Training.WindowLength": run.Training.WindowLength = value; break;
                case "Training.Steps": run.Training.Steps = value; break;
                case "Diagnostics.Every": run.Diagnostics.Every = value; break;
                case "Diagnostics.AnalysisLength": run.Diagnostics.AnalysisLength = value; break;
                case "Diagnostics.BurnIn": run.Diagnostics.BurnIn = value; break;
                case "Diagnostics.ProductSequences": run.Diagnostics.ProductSequences = value; break;
                case "Diagnostics.ProbeSequences": run.Diagnostics.ProbeSequences = value; break;
                case "Probe": probe = value; break;
                case "Text": text = value; break;
            }
        }
        var estimate = new MemoryEstimate(run, vocabulary: 60, textLength: text, probeEvaluationLength: probe);
        string? refusal = estimate.Refusal(available: 64 << 20, "--Worker:MemoryLimit");
        Assert.NotNull(refusal);
        Assert.Contains(term, estimate.Dominant.Name);
        Assert.Contains(setting, refusal);
        Assert.Contains("64.0 MiB available (--Worker:MemoryLimit)", refusal);
    }

    [Fact]
    public void Peak_WithParallelUnitsAndStacks_CountsEveryRunHeldAtOnce()
    {
        // The process's fixed cost and the records of the runs it trains (8 here) do not depend on how many train at once.
        var run = new RunSpec { Diagnostics = { Every = 0 } };
        static double Training(MemoryEstimate e) => e.Peak - MemoryEstimate.ProcessBytes - e.Terms.Single(t => t.Name.StartsWith("the records of", StringComparison.Ordinal)).Bytes;
        double alone = Training(new MemoryEstimate(run, 60, 1_000_000, 0, runsInProcess: 8));
        Assert.Equal(2 * alone, Training(new MemoryEstimate(run, 60, 1_000_000, 0, parallel: 2, runsInProcess: 8)), 1e-6 * alone);
        // Stacked, each run also has its parts copied into the stack's tensors.
        Assert.InRange(Training(new MemoryEstimate(run, 60, 1_000_000, 0, parallel: 2, runsPerUnit: 4, runsInProcess: 8)), 8 * alone, 10 * alone);
    }

    /// <summary>The estimate's runs per stack follow TrainingBatch.MaxRuns on real texts (its constant is mirrored).</summary>
    [Theory]
    [InlineData(64, 128, 32, 100_000, false)]
    [InlineData(128, 128, 32, 100_000, false)]
    [InlineData(256, 128, 32, 100_000, false)]
    [InlineData(64, 512, 64, 8_000, false)]                // a short text: fewer streams fit, more runs per stack
    [InlineData(8, 12, 4, 100_000, false)]
    [InlineData(64, 16, 32, 20_000, true)]
    public void RunsPerUnit_OfAShape_IsTrainingBatchMaxRuns(int hidden, int window, int batch, int length, bool episodes)
    {
        var run = new RunSpec
        {
            Model = { HiddenSize = hidden },
            Training = { WindowLength = window, BatchSize = batch },
            Corpus = episodes ? new CorpusOptions { Kind = CorpusKind.DelayedRecall, Episodes = true, Lags = [window] } : new CorpusOptions(),
        };
        var random = new Random(1);
        string text = new([.. Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(20)))]);
        var corpus = CharCorpus.FromText(text, run);
        Assert.Equal(TrainingBatch.MaxRuns(run, corpus),
            MemoryEstimate.RunsPerUnit(run, corpus.Vocabulary.Size, corpus.Train.Length, runsOfShape: 10_000, parallel: 1));
        Assert.Equal(Math.Min(3, TrainingBatch.MaxRuns(run, corpus)),
            MemoryEstimate.RunsPerUnit(run, corpus.Vocabulary.Size, corpus.Train.Length, runsOfShape: 6, parallel: 2));
    }

    [Theory]
    [MemberData(nameof(SuiteLoaderTests.ShippedSuites), MemberType = typeof(SuiteLoaderTests))]
    public void Validate_ShippedSuite_FitsInFourGiB(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "configs", file);
        Assert.Empty(RunSpecValidator.Validate(SuiteLoader.Load(path), new AvailableMemory(4.0 * (1 << 30), "test"), parallel: 2));
    }

    /// <summary>A grid at the run limit keeps every run's records for the report: refused up front under a small limit, naming shards as the fix.</summary>
    [Fact]
    public void Validate_OneHundredThousandRunsInOneProcess_IsRefusedNamingShards()
    {
        using var suites = new TestSuites();
        var suite = new Suite("grid", "", Path.Combine(suites.Folder, "grid.json"), [.. Enumerable.Range(1, 100_000).Select(i => new RunSpec
        {
            Name = $"r{i}",
            Model = { HiddenSize = 8 },
            Training = { Steps = 2, BatchSize = 4, WindowLength = 12, Seed = i },
            Diagnostics = { Every = 0 },
            Corpus = { Path = "tiny.txt" },
        })]);
        var memory = new AvailableMemory(4.0 * (1 << 30), "test");
        string refusal = RunSpecValidator.Validate(suite, memory).First();
        Assert.Contains("the records of the 100000 run(s) this process trains", refusal);
        Assert.Contains("--shard i/n", refusal);
        Assert.Empty(RunSpecValidator.Validate(suite, memory, runsInProcess: 10_000));
    }

    [Fact]
    public void Refusal_WithinTheLimit_IsNull() =>
        Assert.Null(new MemoryEstimate(new RunSpec(), vocabulary: 80, textLength: 1_000_000, probeEvaluationLength: 0).Refusal(1L << 30, "x"));

    [Fact]
    public void Refusal_OfATinyRunUnderTheProcessCost_SaysToRaiseTheLimit()
    {
        string refusal = new MemoryEstimate(new RunSpec(), vocabulary: 3, textLength: 10, probeEvaluationLength: 0).Refusal(64 << 20, "x")!;
        Assert.EndsWith("the largest part is the worker process (runtime, libtorch, ML.NET) (320.0 MiB): no setting lowers it; raise the limit", refusal);
    }

    [Fact]
    public void Refusal_JustOverALimitThatRoundsAlike_ShowsBothInMebibytes()
    {
        var estimate = new MemoryEstimate(new RunSpec(), vocabulary: 80, textLength: 1_000_000_000, probeEvaluationLength: 0);
        double limit = estimate.Peak - (1 << 20);                                // 1 MiB short: "x.y GiB" twice at one decimal
        Assert.Equal(MemoryEstimate.Format(estimate.Peak), MemoryEstimate.Format(limit));
        string refusal = estimate.Refusal(limit, "x")!;
        Assert.Contains(FormattableString.Invariant($"needs an estimated {estimate.Peak / (1 << 20):F1} MiB of memory, more than the {limit / (1 << 20):F1} MiB available"), refusal);
    }
}
