using Microsoft.Extensions.Configuration;
using RnnPipeline.Options;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Tests.Worker;

/// <summary>Suite files whose shape is wrong are refused when loaded, with one line naming the key: never a default, never a crash.</summary>
public sealed class SuiteShapeTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    private string Refused(string json)
    {
        string path = _suites.Write("s.json", json);
        return Assert.Throws<InputException>(() => SuiteLoader.Load(path)).Message;
    }

    [Theory]
    [InlineData("""{ "Name": 5 }""", "Name must be a string")]
    [InlineData("""{ "Name": ["a"] }""", "Name must be a string")]
    [InlineData("""{ "Name": null }""", "Name must be a string")]
    [InlineData("""{ "Name": "s", "Description": { "a": 1 } }""", "Description must be a string")]
    [InlineData("""{ "Name": "s", "Runs": "abc" }""", "Runs must be a list")]
    [InlineData("""{ "Name": "s", "Runs": null }""", "Runs must be a list")]
    [InlineData("""{ "Name": "s", "Defaults": [1] }""", "Defaults must be an object")]
    [InlineData("""{ "Name": "s", "Grid": "seeds" }""", "Grid must be an object")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Grid": [1] } ] }""", "Runs[0].Grid must be an object")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Grid": null } ] }""", "Runs[0].Grid is null")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Corpus": "tiny.txt" } ] }""", "Corpus: 'tiny.txt' is not an object of settings")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Corpus": null } ] }""", "Corpus is null")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Corpus": { "Lags": null } } ] }""", "Corpus.Lags is null")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Name": null } ] }""", "Name is null")]
    public void Load_WrongShape_IsRefusedNamingTheKey(string json, string expected) =>
        Assert.Contains(expected, Refused(json));

    [Theory]
    [InlineData("Name:x", "inside 'Name'")]
    [InlineData("Runs:0:Corpus:Path:x", "inside 'Runs[0].Corpus.Path'")]
    public void Load_OverrideInsideAValue_IsRefused(string key, string expected)
    {
        string path = _suites.Write("s.json", """{ "Name": "s", "Runs": [ { "Corpus": { "Path": "tiny.txt" } } ] }""");
        var overrides = new ConfigurationBuilder().AddCommandLine([$"--Suite:{key}=1"]).Build().GetSection("Suite");
        Assert.Contains(expected, Assert.Throws<InputException>(() => { SuiteLoader.Load(path, overrides); }).Message);
    }

    [Fact]
    public void Load_NullWhereTheSettingIsOptional_KeepsNull()
    {
        string path = _suites.Write("s.json", """{ "Name": "s", "Runs": [ { "Corpus": { "Path": null }, "Diagnostics": { "Every": null } } ] }""");
        var run = SuiteLoader.Load(path).Runs.Single();
        Assert.Null(run.Corpus.Path);
        Assert.Null(run.Diagnostics.Every);
    }

    [Theory]
    [InlineData("""{ "Name": "s", "Name": "t" }""")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Training": { "Steps": 4, "Steps": 5 } } ] }""")]
    public void Load_DuplicateKey_IsRefused(string json) =>
        Assert.Contains("Duplicate", Refused(json), StringComparison.OrdinalIgnoreCase);

    [Theory]
    [InlineData("""{ "Name": "s", "Runs": [ { "Model": { "InitGain": 1e999 } } ] }""", "Runs[0].Model.InitGain = 1e999 is too large")]
    [InlineData("""{ "Name": "s", "Grid": { "InitGains": [1, -1e400] } }""", "Grid.InitGains[1] = -1e400 is too large")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Training": { "Steps": 1e10 } } ] }""", "Training.Steps: '1e10' is not a valid whole number")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Training": { "Seed": 3000000000 } } ] }""", "Training.Seed: '3000000000' is not a valid whole number")]
    public void Load_NumberThatOverflows_IsRefusedAtParseTime(string json, string expected) =>
        Assert.Contains(expected, Refused(json));

    [Theory]
    [InlineData("""{ "Name": "s", "Grid": { "Seeds": [2147483000], "SeedOffset": 1000 } }""")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Training": { "Seed": 2147483000 } } ], "Grid": { "SeedOffset": 1000 } }""")]
    [InlineData("""{ "Name": "s", "Runs": [ { "Grid": { "SeedOffset": 2147483000 } } ], "Grid": { "SeedOffset": 1000 } }""")]
    public void Load_SeedOffsetBeyondTheRangeOfASeed_IsRefused(string json) =>
        Assert.Contains("beyond the range of a seed", Refused(json));

    [Theory]
    [InlineData("\"Norm,Value\"")]
    [InlineData("\"Norm, Value\"")]
    [InlineData("\"3\"")]
    [InlineData("3")]
    public void Load_EnumNotANameOfOneValue_IsRefusedWithTheChoices(string mode) =>
        Assert.Contains("is not a valid ClipMode: use one of", Refused($$"""{ "Name": "s", "Runs": [ { "Clipping": { "Mode": {{mode}} } } ] }"""));

    [Fact]
    public void Load_EnumNameInOtherCase_IsAccepted()
    {
        string path = _suites.Write("s.json", """{ "Name": "s", "Runs": [ { "Clipping": { "Mode": "value" } } ] }""");
        Assert.Equal(ClipMode.Value, SuiteLoader.Load(path).Runs.Single().Clipping.Mode);
    }

    [Theory]
    [InlineData("x\n")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Load_SuiteNameThatIsNotOneFolderName_IsRefused(string name) =>
        Assert.Contains("must use only letters, digits", Refused($$"""{ "Name": {{System.Text.Json.JsonSerializer.Serialize(name)}} }"""));

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("x\n")]
    public void Validate_RunNameThatIsNotOneFolderName_IsRefused(string name)
    {
        string path = _suites.Write("s.json", $$"""{ "Name": "s", "Runs": [ { "Name": {{System.Text.Json.JsonSerializer.Serialize(name)}}, "Corpus": { "Path": "tiny.txt" } } ] }""");
        Assert.Contains(RunSpecValidator.Validate(SuiteLoader.Load(path)), e => e.Contains("Name", StringComparison.Ordinal) && e.Contains("must not be '.' or '..'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_GridBeyondTheLimit_IsRefusedWithTheCountBeforeExpanding()
    {
        string seeds = string.Join(",", Enumerable.Range(1, 1000));
        string message = Refused($$"""{ "Name": "s", "Runs": [ {}, {} ], "Grid": { "Seeds": [{{seeds}}], "InitGains": [{{seeds}}] } }""");
        Assert.Contains("2000000 runs", message);
        Assert.Contains("limit of 100000", message);
    }

    [Fact]
    public void Load_GridAtTheLimit_IsAccepted()
    {
        string seeds = string.Join(",", Enumerable.Range(1, 1000));
        string path = _suites.Write("s.json", $$"""{ "Name": "s", "Grid": { "Seeds": [{{seeds}}], "InitGains": [{{string.Join(",", Enumerable.Range(1, 100))}}] } }""");
        Assert.Equal(100_000, SuiteLoader.Load(path).Runs.Count);
    }
}
