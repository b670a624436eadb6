using Microsoft.Extensions.Configuration;
using RnnPipeline.IO;
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
    public void Load_GridLags_OneRunPerLag_NamedByLagBeforeSeed_AndEpisodeSettingsValidated()
    {
        string path = _suites.Write("lags.json", """
            { "Name": "lags", "Defaults": { "Model": { "HiddenSize": 8 }, "Training": { "Steps": 2 } },
              "Runs": [ { "Name": "e", "Corpus": { "Kind": "DelayedRecall", "Episodes": true, "Lags": [2], "Loss": "Dependents", "GeneratedLength": 2000 } } ],
              "Grid": { "Lags": [4, 8], "Seeds": [1, 2] } }
            """);
        var suite = SuiteLoader.Load(path);
        Assert.Equal(["e-k4-s1", "e-k4-s2", "e-k8-s1", "e-k8-s2"], suite.Runs.Select(r => r.Name));
        Assert.Equal([4, 4, 8, 8], suite.Runs.Select(r => Assert.Single(r.Corpus.Lags)));
        Assert.Equal([4, 4, 8, 8], suite.Runs.Select(r => r.SequenceLength));
        Assert.Empty(RunSpecValidator.Validate(suite));
        string mixed = _suites.Write("mixed.json", """
            { "Name": "mixed", "Runs": [ { "Name": "e", "Corpus": { "Kind": "DelayedRecall", "Episodes": true, "Lags": [2, 4], "Loss": "Dependents" } } ] }
            """);
        Assert.Contains(RunSpecValidator.Validate(SuiteLoader.Load(mixed)), e => e.Contains("Grid.Lags", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_DefaultSuite_OneLagPerRunForEveryUnitAndSeed_AndTextRunsWithTheirOwnGrid()
    {
        var suite = SuiteLoader.Load(Path.Combine(Configs(), "compare-activations.json"));
        int[] lags = [2, 4, 8, 16, 32, 64, 128];
        string[] Expanded(string unit) => [.. lags.SelectMany(k => Enumerable.Range(1, 12).Select(s => $"{unit}-k{k}-s{s}"))];
        Assert.Equal(
            [.. Expanded("tanh"), .. Expanded("sigmoid"), .. Expanded("relu"), .. Expanded("irnn"), "text-tanh", "text-sigmoid", "text-relu", "text-irnn"],
            suite.Runs.Select(r => r.Name));
        var episodes = suite.Runs.Where(r => r.Corpus.Episodes).ToArray();
        Assert.Equal(4 * 7 * 12, episodes.Length);
        Assert.All(episodes, r => Assert.Equal((ProbeLoss.Dependents, 1), (r.Corpus.Loss, r.Corpus.Lags.Length)));
        var irnn = episodes.Where(r => r.Name.StartsWith("irnn-", StringComparison.Ordinal)).ToArray();
        Assert.All(irnn, r => Assert.Equal((Activation.Relu, RecurrentInit.Identity, 64), (r.Model.Activation, r.Model.Init, r.Model.HiddenSize)));
        // A unit is its settings: the 84 runs of each unit share one unit hash, and the four units have four.
        Assert.Equal(4, episodes.Select(r => r.UnitHash()).Distinct().Count());
        Assert.All(suite.Runs.Where(r => !r.Corpus.Episodes), r => Assert.Equal(CorpusKind.TextFile, r.Corpus.Kind));
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
    public void Load_SeedOffset_ShiftsListedAndOwnSeeds_AndNamesCarryTheShiftedSeed()
    {
        string path = _suites.Write("so.json", """
            { "Name": "so", "Defaults": { "Corpus": { "Path": "tiny.txt" } },
              "Runs": [ { "Name": "a", "Grid": { "Seeds": [1, 2] } }, { "Name": "b", "Training": { "Seed": 5 } } ] }
            """);
        var overrides = new ConfigurationBuilder().AddCommandLine(["--Suite:Grid:SeedOffset=1000", "--Suite:Runs:0:Grid:SeedOffset=100"]).Build();
        var runs = SuiteLoader.Load(path, overrides.GetSection("Suite")).Runs;
        Assert.Equal([("a-s1101", 1101), ("a-s1102", 1102), ("b", 1005)], runs.Select(r => (r.Name, r.Training.Seed)));
    }

    [Fact]
    public void Validate_ProbeLossOrFillerOnATextFile_NamesTheSetting()
    {
        string path = _suites.Write("pl.json", """
            { "Name": "pl", "Runs": [ { "Name": "r", "Corpus": { "Path": "tiny.txt", "Loss": "Dependents", "Filler": "Blank" } } ] }
            """);
        var errors = RunSpecValidator.Validate(SuiteLoader.Load(path));
        Assert.Contains(errors, e => e.StartsWith("run 'r': Corpus.Loss Dependents needs a generated probe", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("run 'r': Corpus.Filler Blank needs a generated probe", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ReportSettingOverriddenPerRun_IsRefusedInOneLineNamingBothRuns()
    {
        string path = _suites.Write("rs.json", """
            { "Name": "rs", "Defaults": { "Probe": { "ErrorRate": 0.01 } },
              "Runs": [ { "Name": "a", "Corpus": { "Path": "tiny.txt" } },
                        { "Name": "b", "Corpus": { "Path": "tiny.txt" }, "Probe": { "ErrorRate": 0.1, "SamplesPerLag": 50 } } ] }
            """);
        string error = Assert.Single(RunSpecValidator.Validate(SuiteLoader.Load(path)));
        Assert.StartsWith("suite 'rs': Probe.ErrorRate is 0.01 in run 'a' but 0.1 in run 'b'", error);
        Assert.Contains("set it in Defaults", error);
        var overrides = new ConfigurationBuilder().AddCommandLine(["--Suite:Defaults:Probe:SolvedThreshold=0.5"]).Build();
        string same = _suites.Write("same.json", """
            { "Name": "same", "Runs": [ { "Name": "a", "Corpus": { "Path": "tiny.txt" } }, { "Name": "b", "Corpus": { "Path": "tiny.txt" } } ] }
            """);
        var suite = SuiteLoader.Load(same, overrides.GetSection("Suite"));
        Assert.Empty(RunSpecValidator.Validate(suite));
        Assert.All(suite.Runs, r => Assert.Equal(0.5, r.Probe.SolvedThreshold));
    }

    [Fact]
    public void ConfigHash_LeavesOutReportSettings_ButNotWhatTrains()
    {
        var spec = new RunSpec();
        string hash = spec.ConfigHash();
        spec.Probe.SolvedThreshold = 0.5;
        spec.Probe.ErrorRate = 0.01;
        spec.Probe.Replicate = false;
        spec.Probe.PowerSeeds = [8];
        Assert.Equal(hash, spec.ConfigHash());
        spec.Probe.SamplesPerLag = 10;
        Assert.NotEqual(hash, spec.ConfigHash());
        Assert.NotEqual(hash, new RunSpec { Corpus = { Loss = ProbeLoss.Dependents } }.ConfigHash());
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
    public void Load_OverridesOfListEntries_ReplaceEntriesThatExist_AndFillListsTheyCreate()
    {
        string path = _suites.Write("o.json", """{ "Name": "o", "Runs": [ { "Name": "r", "Corpus": { "Path": "tiny.txt" } }, { "Name": "q", "Corpus": { "Path": "tiny.txt" } } ] }""");
        var overrides = new ConfigurationBuilder().AddCommandLine(["--Suite:Runs:1:Name=renamed", "--Suite:Grid:Seeds:1=8", "--Suite:Grid:Seeds:0=7"]).Build();
        var runs = SuiteLoader.Load(path, overrides.GetSection("Suite")).Runs;
        Assert.Equal(["r-s7", "r-s8", "renamed-s7", "renamed-s8"], runs.Select(r => r.Name).Order());
        foreach (string past in (string[])["--Suite:Runs:2:Name=x", "--Suite:Runs:-1:Name=x"])
        {
            var error = Assert.Throws<InputException>(() => SuiteLoader.Load(path, new ConfigurationBuilder().AddCommandLine([past]).Build().GetSection("Suite")));
            Assert.Contains(past.Split('=')[0], error.Message);
        }
    }

    [Fact]
    public void FolderName_LongestName_KeepsTheLongestDerivedFileNameWithin255Bytes()
    {
        // The longest file name made from a run name: a report figure's temporary file (see FolderName.MaximumLength).
        string name = new('n', FolderName.MaximumLength);
        string figure = $"bracketmatching-episodes-0c-key-gradient-over-training-{name}.png.{4_194_304}.{Guid.NewGuid():N}{AtomicFile.TempSuffix}";
        Assert.True(figure.Length <= 255, $"{figure.Length} characters");
        Assert.True(FolderName.IsValid(name));
        Assert.False(FolderName.IsValid(name + "n"));
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
