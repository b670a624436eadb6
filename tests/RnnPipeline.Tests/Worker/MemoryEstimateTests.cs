using RnnPipeline.Options;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Tests.Worker;

/// <summary>The memory estimate: exact on a shape small enough to count by hand, and the right dominant term and setting for each kind of huge run.</summary>
public sealed class MemoryEstimateTests
{
    private static RunSpec Small() => new()
    {
        Model = { HiddenSize = 2 },
        Training = { BatchSize = 1, WindowLength = 1, EvalWindows = 1 },
        Diagnostics = { Every = 0 },
    };

    [Fact]
    public void Terms_OfAHandSizedRun_AreCountedExactly()
    {
        // H = 2, V = E = 3 (one-hot): 3·2 + 2·2 + 2 + 2·3 + 3 = 21 parameters × 4 bytes × (weight, gradient, 2 Adam moments) = 336.
        // Per position 4 bytes × (3 + 2·2 + 3·3) = 64; a window of 1×1 with gradients: 128; 10 characters of text: 100.
        var estimate = new MemoryEstimate(Small(), vocabulary: 3, textLength: 10, validationLength: 1, probeEvaluationLength: 0);
        Assert.Equal([100, 336], estimate.Base.Select(t => t.Bytes));
        Assert.Equal(128, estimate.Phases[0].Bytes);
        Assert.Equal(0, estimate.Phases[1].Bytes);       // no diagnostics: no analysis sequence
        Assert.Equal(64, estimate.Phases[3].Bytes);      // one validation window, no gradients
        Assert.Equal(100 + 336 + 128, estimate.Peak);
    }

    public static TheoryData<string, string, string> HugeRuns() => new()
    {
        { "Model.HiddenSize=4096", "the weights", "Model.HiddenSize" },
        { "Model.HiddenSize=512 Training.BatchSize=4096 Training.WindowLength=100000", "training window", "Training.BatchSize or Training.WindowLength" },
        { "Model.HiddenSize=1024 Diagnostics.Every=10 Diagnostics.AnalysisLength=100000", "the analysis sequence", "Diagnostics.AnalysisLength" },
        { "Model.HiddenSize=2048 Diagnostics.Every=10 Diagnostics.ProductSequences=256 Diagnostics.AnalysisLength=0", "the Jacobian products", "Diagnostics.ProductSequences" },
        { "Model.HiddenSize=2048 Training.WindowLength=4096 Training.EvalWindows=10000", "the validation windows", "Training.EvalWindows" },
        { "Model.HiddenSize=4096 Probe=2000000", "the probe evaluation", "Probe.SamplesPerLag" },
        { "Text=100000000", "the text", "Corpus" },
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
                case "Training.EvalWindows": run.Training.EvalWindows = value; run.Training.BatchSize = 32; break;
                case "Diagnostics.Every": run.Diagnostics.Every = value; break;
                case "Diagnostics.AnalysisLength": run.Diagnostics.AnalysisLength = value; break;
                case "Diagnostics.ProductSequences": run.Diagnostics.ProductSequences = value; break;
                case "Probe": probe = value; break;
                case "Text": text = value; break;
            }
        }
        var estimate = new MemoryEstimate(run, vocabulary: 60, textLength: text, validationLength: 10_000_000_000, probeEvaluationLength: probe);
        string? refusal = estimate.Refusal(available: 64 << 20, "--Worker:MemoryLimit");
        Assert.NotNull(refusal);
        Assert.Contains(term, estimate.Dominant.Name);
        Assert.Contains(setting, refusal);
        Assert.Contains("64.0 MiB available (--Worker:MemoryLimit)", refusal);
    }

    [Theory]
    [MemberData(nameof(SuiteLoaderTests.ShippedSuites), MemberType = typeof(SuiteLoaderTests))]
    public void Validate_ShippedSuite_FitsInFourGiB(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "configs", file);
        Assert.Empty(RunSpecValidator.Validate(SuiteLoader.Load(path), new AvailableMemory(4.0 * (1 << 30), "test")));
    }

    [Fact]
    public void Refusal_WithinTheLimit_IsNull() =>
        Assert.Null(new MemoryEstimate(new RunSpec(), vocabulary: 80, textLength: 1_000_000, validationLength: 100_000, probeEvaluationLength: 0).Refusal(1L << 30, "x"));
}
