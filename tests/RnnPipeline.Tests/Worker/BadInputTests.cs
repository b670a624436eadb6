namespace RnnPipeline.Tests.Worker;

/// <summary>Every kind of bad input: exit code 2, one error line naming the problem, no stack trace, nothing written.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    private WorkerProcess.Result RunWith(string suiteJson, params string[] extra)
    {
        string suite = _suites.Write("suite.json", suiteJson);
        return WorkerProcess.Run(_suites.Folder, ["--suite", suite, "--output", _suites.Output, .. extra]);
    }

    private static string Suite(string runJson, string defaults = "{}") =>
        $$"""{ "Name": "bad", "Defaults": {{defaults}}, "Runs": [ {{runJson}} ] }""";

    private void AssertRejected(WorkerProcess.Result result, params string[] expected)
    {
        Assert.Equal(2, result.ExitCode);
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith("error: ", l));
        foreach (string e in expected) Assert.Contains(e, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr + result.Stdout);
        Assert.False(Directory.Exists(Path.Combine(_suites.Output, "bad")) && Directory.EnumerateFileSystemEntries(Path.Combine(_suites.Output, "bad")).Any(),
            "nothing may be written for bad input");
    }

    private string TextFile(string name, byte[] content)
    {
        File.WriteAllBytes(Path.Combine(_suites.Folder, name), content);
        return name;
    }

    [Fact]
    public void MissingTextFile_IsRejected() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "nope.txt" } }""")), "nope.txt", "does not exist");

    [Fact]
    public void EmptyTextFile_IsRejected() =>
        AssertRejected(RunWith(Suite($$"""{ "Corpus": { "Path": "{{TextFile("empty.txt", [])}}" } }""")), "empty.txt", "is empty");

    [Fact]
    public void BinaryTextFile_IsRejected() =>
        AssertRejected(RunWith(Suite($$"""{ "Corpus": { "Path": "{{TextFile("bin.txt", [1, 0, 2, 0, 3])}}" } }""")), "bin.txt", "binary");

    [Fact]
    public void NonUtf8TextFile_IsRejected() =>
        AssertRejected(RunWith(Suite($$"""{ "Corpus": { "Path": "{{TextFile("latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x20, 0x61])}}" } }""")), "latin1.txt", "not valid UTF-8");

    [Fact]
    public void TextShorterThanWindow_IsRejected() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "tiny.txt" }, "Training": { "WindowLength": 2000 } }""")), "tiny.txt", "too short", "WindowLength");

    [Fact]
    public void UnknownCell_IsRejectedWithChoices() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "tiny.txt" }, "Model": { "Cell": "Lstm2" } }""")), "Model.Cell", "Lstm2", "Rnn, Lstm, Gru");

    [Fact]
    public void ActivationOfAGatedCell_IsRejectedNamingTheFix() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "tiny.txt" }, "Model": { "Cell": "Gru", "Activation": "Relu" } }""")), "Model.Activation Relu", "Model.Cell Gru", "remove");

    [Fact]
    public void UnknownActivation_IsRejectedWithChoices() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "tiny.txt" }, "Model": { "Activation": "Swish" } }""")), "Model.Activation", "Swish", "Tanh, Sigmoid, Relu");

    [Theory]
    [InlineData("\"Model\": { \"HiddenSize\": 0 }", "Model.HiddenSize")]
    [InlineData("\"Training\": { \"BatchSize\": -3 }", "Training.BatchSize")]
    [InlineData("\"Training\": { \"WindowLength\": 0 }", "Training.WindowLength")]
    [InlineData("\"Training\": { \"LearningRate\": -0.1 }", "Training.LearningRate")]
    [InlineData("\"Training\": { \"LearningRate\": \"NaN\" }", "Training.LearningRate")]
    public void OutOfRangeSetting_IsRejectedNamingIt(string setting, string name) =>
        AssertRejected(RunWith(Suite($$"""{ "Corpus": { "Path": "tiny.txt" }, {{setting}} }""")), name);

    [Fact]
    public void UnknownKey_IsRejectedWithAllowedKeys() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "tiny.txt" }, "Model": { "HidenSize": 8 } }""")), "HidenSize", "HiddenSize");

    [Fact]
    public void UnknownCommandLineOption_IsRejected() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "tiny.txt" } }"""), "--sute", "x"), "--sute");

    [Fact]
    public void UnknownWorkerSetting_IsRejected() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "tiny.txt" } }"""), "--Worker:Thredas=2"), "Thredas");

    [Fact]
    public void WorkerSettingOfTheWrongType_IsRejectedNamingIt() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "tiny.txt" } }"""), "--Worker:ParallelRuns=two"), "Worker:ParallelRuns", "not a valid Int32");

    [Fact]
    public void MalformedJson_IsRejectedWithLineAndColumn() =>
        AssertRejected(RunWith("{\n  \"Name\": \"bad\",\n  \"Runs\": [ { \"Corpus\": } ]\n}"), "not valid JSON", "line 3");

    [Theory]
    [InlineData("0/0", "", "COUNT ≥ 1")]
    [InlineData("3/2", "", "INDEX 3 is out of range")]
    [InlineData("x/2", "", "INDEX 'x'")]
    [InlineData("1/2/3", "", "write INDEX/COUNT")]
    [InlineData("auto/2", "", "neither JOB_COMPLETION_INDEX")]
    [InlineData("auto/3", "JOB_COMPLETION_INDEX=1 SLURM_ARRAY_TASK_ID=2", "disagree")]
    [InlineData("auto/3", "SLURM_ARRAY_TASK_ID=3", "--array=0-2")]
    public void BadShard_IsRejectedNamingTheFix(string shard, string environment, string expected)
    {
        string suite = _suites.Write("suite.json", Suite("""{ "Corpus": { "Path": "tiny.txt" } }"""));
        var variables = environment.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=')).ToDictionary(v => v[0], v => v[1]);
        AssertRejected(WorkerProcess.RunWithEnvironment(_suites.Folder, variables, "--suite", suite, "--output", _suites.Output, "--shard", shard), $"--shard {shard}", expected);
    }

    [Fact]
    public void ShardWithReport_IsRejected() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "tiny.txt" } }"""), "--shard", "0/2", "--report"), "cannot be combined with --report");

    [Theory]
    [InlineData("""{ "Name": 5, "Runs": [ { "Corpus": { "Path": "tiny.txt" } } ] }""", "Name must be a string")]
    [InlineData("""{ "Name": "bad", "Description": [1], "Runs": [ { "Corpus": { "Path": "tiny.txt" } } ] }""", "Description must be a string")]
    [InlineData("""{ "Name": "bad", "Runs": [ { "Corpus": null } ] }""", "Corpus is null")]
    [InlineData("""{ "Name": "bad", "Runs": "abc" }""", "Runs must be a list")]
    [InlineData("""{ "Name": "bad", "Runs": [ { "Corpus": { "Path": "tiny.txt" }, "Model": { "InitGain": 1e999 } } ] }""", "Model.InitGain = 1e999 is too large")]
    [InlineData("""{ "Name": "bad", "Runs": [ { "Corpus": { "Path": "tiny.txt" }, "Clipping": { "Mode": "Norm,Value" } } ] }""", "not a valid ClipMode")]
    [InlineData("""{ "Name": "bad", "Runs": [ { "Corpus": { "Path": "tiny.txt" }, "Corpus": { "Path": "tiny.txt" } } ] }""", "Duplicate")]
    [InlineData("""{ "Name": "bad", "Runs": [ { "Name": "..", "Corpus": { "Path": "tiny.txt" } } ] }""", "must not be '.' or '..'")]
    [InlineData("""{ "Name": "..", "Runs": [ { "Corpus": { "Path": "tiny.txt" } } ] }""", "must not be '.' or '..'")]
    [InlineData("""{ "Name": "bad", "Runs": [ { "Corpus": { "Path": "/dev/zero" } } ] }""", "not a regular file")]
    [InlineData("""{ "Name": "bad", "Runs": [ { "Corpus": { "Path": "." } } ] }""", "is a folder")]
    [InlineData("""{ "Name": "bad", "Runs": [ { "Corpus": { "Path": "a\u0000b.txt" } } ] }""", "NUL character")]
    public void MalformedSuite_IsRejectedWithOneLine(string json, string expected)
    {
        AssertRejected(RunWith(json), expected);
        Assert.Equal(["suite.json", "tiny.txt"], Directory.EnumerateFileSystemEntries(_suites.Folder).Select(Path.GetFileName).Where(n => n != "out").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FifoAsTextFile_IsRejectedWithoutBlocking()
    {
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(_suites.Folder, "pipe.txt")])) mkfifo.WaitForExit();
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "pipe.txt" } }""")), "pipe.txt", "not a regular file");
    }

    [Fact]
    public void RunAboveTheMemoryLimit_IsRejectedWithinSecondsNamingTheSetting()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = RunWith(Suite("""{ "Corpus": { "Kind": "DelayedRecall", "GeneratedLength": 2000000 }, "Training": { "BatchSize": 4096, "WindowLength": 100000 } }"""));
        AssertRejected(result, "run 'run'", "needs an estimated", "training window", "Training.BatchSize or Training.WindowLength", "--Worker:MemoryLimit");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"refused after {watch.Elapsed}");
    }

    [Fact]
    public void MemoryLimitOverride_RefusesARunThatWouldFitTheMachine() =>
        AssertRejected(RunWith(Suite("""{ "Corpus": { "Path": "tiny.txt" } }"""), "--Worker:MemoryLimit=1"), "1.0 MiB available (--Worker:MemoryLimit)", "lower");

    [Fact]
    public void UnwritableOutputFolder_IsRejected()
    {
        string blocker = Path.Combine(_suites.Folder, "file-not-folder");
        File.WriteAllText(blocker, "x");
        string suite = _suites.Write("suite.json", Suite("""{ "Corpus": { "Path": "tiny.txt" } }"""));
        var result = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", blocker);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not writable", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr + result.Stdout);
    }
}
