namespace RnnPipeline.Tests.Worker;

/// <summary>
/// Problems of the run folders inside the suite folder: exit 2 with one line naming the path and the fix, nothing
/// written, and no link followed (a planted lock file link or a linked data/ or plots/ folder keeps its target intact).
/// </summary>
public sealed class OutputFolderTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    private string SuiteFolder => Path.Combine(_suites.Output, "bad");

    private string RunFolder => Path.Combine(SuiteFolder, "run");

    private WorkerProcess.Result Run(params string[] extra)
    {
        string suite = _suites.Write("suite.json", """
            { "Name": "bad", "Runs": [ { "Corpus": { "Path": "tiny.txt" }, "Model": { "HiddenSize": 8 },
              "Training": { "Steps": 4, "BatchSize": 2, "WindowLength": 8, "EvalEvery": 4, "EvalWindows": 2 } } ] }
            """);
        return WorkerProcess.Run(_suites.Folder, ["--suite", suite, "--output", _suites.Output, .. extra]);
    }

    /// <summary>Exit 2, one error line with <paramref name="expected"/>, and the suite folder holds exactly what the test planted.</summary>
    private void AssertRefused(WorkerProcess.Result result, string[] planted, params string[] expected)
    {
        Assert.Equal(2, result.ExitCode);
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        foreach (string e in expected) Assert.Contains(e, lines[0]);
        Assert.DoesNotContain("   at ", result.Stderr + result.Stdout);
        Assert.Equal(planted.Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(SuiteFolder, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(SuiteFolder, p)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RunFolderIsAFile_IsRefusedNamingIt()
    {
        Directory.CreateDirectory(SuiteFolder);
        File.WriteAllText(RunFolder, "x");
        AssertRefused(Run(), ["run"], RunFolder, "is a file", "--output");
    }

    [Theory]
    [InlineData("data")]
    [InlineData("plots")]
    public void FileWhereARunKeepsAFolder_IsRefusedNamingIt(string name)
    {
        Directory.CreateDirectory(RunFolder);
        File.WriteAllText(Path.Combine(RunFolder, name), "x");
        AssertRefused(Run(), ["run", $"run/{name}"], Path.Combine(RunFolder, name), "is a file");
    }

    /// <summary>
    /// A run folder's data/, plots/ or tensorboard/ in which no file can be created (root included: the immutable flag)
    /// is refused before anything is written, instead of failing the run midway.
    /// </summary>
    [Theory]
    [InlineData("data", "data")]
    [InlineData("plots", "plot")]
    [InlineData("tensorboard", "TensorBoard")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void UnwritableRunSubfolder_IsRefusedNamingIt(string name, string what)
    {
        string folder = Directory.CreateDirectory(Path.Combine(RunFolder, name)).FullName;
        using (new ImmutableFolder(folder))
            AssertRefused(Run("--resume", "--Worker:TensorBoard=true"), ["run", $"run/{name}"], $"the {what} folder of run 'run'", "is not writable", folder);
    }

    [Theory]
    [InlineData("run/data", "")]
    [InlineData("run/plots", "")]
    [InlineData("plots", "")]
    [InlineData("run/data", "--report")]
    public void LinkedFolder_IsRefusedAndItsTargetUntouched(string linked, string option)
    {
        string target = Directory.CreateDirectory(Path.Combine(_suites.Folder, "elsewhere")).FullName;
        Directory.CreateDirectory(RunFolder);
        Directory.CreateSymbolicLink(Path.Combine(SuiteFolder, linked), target);
        AssertRefused(Run(option.Length > 0 ? [option] : []), ["run", linked], Path.Combine(SuiteFolder, linked), "symbolic link");
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Theory]
    [InlineData(false, "")]
    [InlineData(true, "")]
    [InlineData(false, "--report")]
    [InlineData(true, "--report")]
    public void PlantedLockFileLink_IsRefusedAndItsTargetKeepsItsContent(bool hard, string option)
    {
        string target = Path.Combine(_suites.Folder, "precious.txt");
        File.WriteAllText(target, "keep me");
        Directory.CreateDirectory(RunFolder);
        string lockFile = Path.Combine(RunFolder, "run.lock");
        if (hard)
        {
            using var ln = System.Diagnostics.Process.Start("ln", [target, lockFile]);
            ln.WaitForExit();
        }
        else File.CreateSymbolicLink(lockFile, target);
        AssertRefused(Run(option.Length > 0 ? [option] : []), ["run", "run/run.lock"], lockFile, hard ? "hard links" : "symbolic link");
        Assert.Equal("keep me", File.ReadAllText(target));
    }
}
