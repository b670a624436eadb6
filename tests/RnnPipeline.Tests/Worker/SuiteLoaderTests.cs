using Microsoft.Extensions.Configuration;
using RnnPipeline.Options;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Tests.Worker;

public sealed class SuiteLoaderTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    private static string Configs([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "configs"));

    public static TheoryData<string> ShippedSuites() => [.. Directory.GetFiles(Configs(), "*.json").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(ShippedSuites))]
    public void Load_ShippedSuite_IsValid(string file)
    {
        var suite = SuiteLoader.Load(Path.Combine(Configs(), file));
        Assert.NotEmpty(suite.Runs);
        Assert.Empty(RunSpecValidator.Validate(suite));
    }

    [Fact]
    public void Load_DefaultSuite_ExpandsGridAndKeepsRunsWithOwnGrid()
    {
        var suite = SuiteLoader.Load(Path.Combine(Configs(), "compare-activations.json"));
        Assert.Equal(
            ["text-tanh", "text-sigmoid", "text-relu",
             "recall-tanh-s1", "recall-tanh-s2", "recall-tanh-s3", "recall-sigmoid-s1", "recall-sigmoid-s2", "recall-sigmoid-s3",
             "recall-relu-s1", "recall-relu-s2", "recall-relu-s3",
             "text-relu-identity", "recall-relu-identity-s1", "recall-relu-identity-s2", "recall-relu-identity-s3"],
            suite.Runs.Select(r => r.Name));
        var irnn = suite.Runs.Where(r => r.Name.StartsWith("recall-relu-identity", StringComparison.Ordinal)).ToArray();
        Assert.All(irnn, r => Assert.Equal((Activation.Relu, RecurrentInit.Identity), (r.Model.Activation, r.Model.Init)));
        Assert.Equal([1, 2, 3], irnn.Select(r => r.Training.Seed));
        Assert.All(irnn, r => Assert.Equal(64, r.Model.HiddenSize)); // from Defaults
    }

    [Fact]
    public void Load_RunOverride_ReplacesArraysAndMergesObjects()
    {
        string path = _suites.Write("s.json", """
            { "Name": "s",
              "Defaults": { "Corpus": { "Kind": "DelayedRecall", "Lags": [2, 4, 8] }, "Training": { "Steps": 7 } },
              "Runs": [ { "Name": "a", "Corpus": { "Lags": [3] }, "Training": { "Seed": 9 } } ] }
            """);
        var run = SuiteLoader.Load(path).Runs.Single();
        Assert.Equal([3], run.Corpus.Lags);
        Assert.Equal(CorpusKind.DelayedRecall, run.Corpus.Kind);
        Assert.Equal((7, 9), (run.Training.Steps, run.Training.Seed));
        Assert.Equal(new TrainingOptions().BatchSize, run.Training.BatchSize);
    }

    [Fact]
    public void Load_GridOfTwoDimensions_NamesOnlyVaryingDimensions()
    {
        string path = _suites.Write("g.json", """
            { "Name": "g", "Runs": [ { "Name": "r", "Corpus": { "Path": "tiny.txt" } } ],
              "Grid": { "InitGains": [0.5, 2], "Seeds": [1, 2] } }
            """);
        var runs = SuiteLoader.Load(path).Runs;
        Assert.Equal(["r-g0.5-s1", "r-g0.5-s2", "r-g2-s1", "r-g2-s2"], runs.Select(r => r.Name));
        Assert.Equal([0.5, 0.5, 2, 2], runs.Select(r => r.Model.InitGain));
    }

    [Fact]
    public void Load_CommandLineOverrides_ApplyOverTheFile()
    {
        string path = _suites.Write("o.json", """{ "Name": "o", "Runs": [ { "Name": "r", "Corpus": { "Path": "tiny.txt" } } ] }""");
        var overrides = new ConfigurationBuilder().AddCommandLine(["--Suite:Defaults:Training:Steps=12", "--Suite:Defaults:Model:Activation=Sigmoid"]).Build();
        var run = SuiteLoader.Load(path, overrides.GetSection("Suite")).Runs.Single();
        Assert.Equal(12, run.Training.Steps);
        Assert.Equal(Activation.Sigmoid, run.Model.Activation);
    }

    [Fact]
    public void Validate_DuplicateNamesAndBadValues_ReportsEveryProblem()
    {
        string path = _suites.Write("d.json", """
            { "Name": "d", "Defaults": { "Corpus": { "Path": "tiny.txt" } },
              "Runs": [ { "Name": "x", "Model": { "HiddenSize": 0 } }, { "Name": "x", "Training": { "LearningRate": 0 } } ] }
            """);
        var errors = RunSpecValidator.Validate(SuiteLoader.Load(path));
        Assert.Contains(errors, e => e.Contains("'x' is used 2 times"));
        Assert.Contains(errors, e => e.Contains("Model.HiddenSize = 0"));
        Assert.Contains(errors, e => e.Contains("Training.LearningRate = 0"));
    }

    [Fact]
    public void Validate_ProbeEvaluationTooLong_NamesSamplesPerLagAndTheLimit()
    {
        string path = _suites.Write("e.json", """
            { "Name": "e", "Runs": [ { "Name": "r", "Corpus": { "Kind": "DelayedRecall", "Lags": [2, 1000], "GeneratedLength": 10000 },
                                       "Probe": { "SamplesPerLag": 100000 } } ] }
            """);
        string error = Assert.Single(RunSpecValidator.Validate(SuiteLoader.Load(path)));
        Assert.Equal("run 'r': Probe.SamplesPerLag 100000 with Corpus.Lags 2,1000 needs a 100600000-character evaluation text: " +
                     "keep SamplesPerLag × Σ(lag + 2) ≤ 40000000 (fewer samples or shorter lags)", error);
    }
}
