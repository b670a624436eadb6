using System.Globalization;
using System.Text.RegularExpressions;
using RnnPipeline.Worker.Suites;
using Xunit.Abstractions;

namespace RnnPipeline.Tests.Worker;

/// <summary>
/// The memory estimate against the kernel's count: each configuration sits at the edge of one term (it dominates the
/// run's own memory), trains in a worker process of its own, and the peak that process reports (VmHWM, read at its end)
/// must be within the estimate, which in turn must not be more than three times the peak (so the test fails both ways).
/// </summary>
public sealed partial class MemoryPeakTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    private const string Text = """{ "Kind": "TextFile", "Path": "lighthouse-log.txt", "ValidationFraction": 0.5 }""";

    public static TheoryData<string, string, string, string> Edges() => new()
    {
        // the term that dominates the run's memory, then the run's model, training and diagnostics options
        { "a training window", """{ "HiddenSize": 768 }""", """{ "BatchSize": 64, "WindowLength": 256 }""", """{ "Every": 0 }""" },
        { "a training window", """{ "HiddenSize": 256, "Cell": "Lstm" }""", """{ "BatchSize": 32, "WindowLength": 128 }""", """{ "Every": 0 }""" },
        { "the analysis sequence", """{ "HiddenSize": 64 }""", """{ "BatchSize": 4, "WindowLength": 16 }""", """{ "Every": 1, "ProbeSequences": 384, "AnalysisLength": 64, "BurnIn": 1024 }""" },
        { "Jacobian products", """{ "HiddenSize": 128 }""", """{ "BatchSize": 4, "WindowLength": 16 }""", """{ "Every": 1, "ProbeSequences": 256, "ProductSequences": 256, "AnalysisLength": 4, "BurnIn": 0 }""" },
        { "explicit Jacobians", """{ "HiddenSize": 48, "Cell": "Gru" }""", """{ "BatchSize": 16, "WindowLength": 128 }""", """{ "Every": 1, "ProbeSequences": 16, "ProductSequences": 16, "AnalysisLength": 0 }""" },
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public void PeakResidentMemory_AtTheEdgeOfATerm_IsWithinTheEstimate(string term, string model, string training, string diagnostics)
    {
        _suites.CopySample("lighthouse-log.txt");
        string path = _suites.Write("edge.json", $$"""
            {
              "Name": "edge",
              "Defaults": { "Model": {{model}}, "Training": {{training}}, "Diagnostics": {{diagnostics}} },
              "Runs": [ { "Name": "r", "Corpus": {{Text}}, "Training": { "Steps": 1, "EvalEvery": 1, "EvalWindows": 1 } } ]
            }
            """);
        var result = WorkerProcess.Run(_suites.Folder, "--suite", path, "--output", _suites.Output, "--threads", "1");
        Assert.True(result.ExitCode == 0, $"{term}: exit {result.ExitCode}: {result.Stderr}{result.Stdout}");
        double peak = double.Parse(PeakLine().Match(result.Stdout).Groups[1].Value, CultureInfo.InvariantCulture) * (1 << 20);

        // The worker's own check, at the measured peak and at three times it.
        var suite = SuiteLoader.Load(path);
        var estimate = Assert.Single(RunSpecValidator.Estimates(suite));
        output.WriteLine($"{term}: peak {MemoryEstimate.Format(peak)}, estimate {MemoryEstimate.Format(estimate.Peak)} ({estimate.Peak / peak:F2}×), largest term {estimate.Dominant.Name}");
        Assert.True(estimate.Peak >= peak, $"{term}: peak {MemoryEstimate.Format(peak)} above the estimate {MemoryEstimate.Format(estimate.Peak)}");
        Assert.True(estimate.Peak <= 3 * peak, $"{term}: estimate {MemoryEstimate.Format(estimate.Peak)} more than 3 × the peak {MemoryEstimate.Format(peak)}");
        Assert.Contains(term, estimate.Dominant.Name);                                 // the configuration is at that term's edge
    }

    [GeneratedRegex(@"Peak memory: (\d+) MiB resident")]
    private static partial Regex PeakLine();
}
