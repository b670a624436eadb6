using System.IO.Compression;
using System.Xml.Linq;

namespace RnnPipeline.Tests.Packaging;

public sealed class PackageMetadataTests
{
    private static XElement Metadata(ZipArchive package)
    {
        var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var root = XDocument.Load(stream).Root!;
        return root.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Field(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    [Theory]
    [InlineData("RnnPipeline.Core")]
    [InlineData("RnnPipeline.Training")]
    [InlineData("RnnPipeline.DataViews")]
    [InlineData("RnnPipeline.Reporting")]
    [InlineData("RnnPipeline.MLNet")]
    [InlineData("RnnPipeline.MLNet.Reporting")]
    public void Package_HasRealMetadataReadmeAndNoRepository(string id)
    {
        using var package = ZipFile.OpenRead(PackageFeed.Package(id));
        var metadata = Metadata(package);
        Assert.Equal(id, Field(metadata, "id"));
        Assert.NotEqual("1.0.0", Field(metadata, "version"));
        Assert.Matches(@"^\d+\.\d+\.\d+$", Field(metadata, "version"));
        Assert.DoesNotContain("Package Description", Field(metadata, "description"));
        Assert.True(Field(metadata, "description")!.Length > 40);
        Assert.Equal("MIT", Field(metadata, "license"));
        Assert.False(string.IsNullOrWhiteSpace(Field(metadata, "authors")));
        Assert.Equal("README.md", Field(metadata, "readme"));
        Assert.Contains(package.Entries, e => e.FullName == "README.md" && e.Length > 500);
        Assert.Contains($"# {id}", Readme(package));                           // its own page, not one shared by all
        Assert.Null(Field(metadata, "repository"));                             // none unless the publisher gives one
        Assert.Null(Field(metadata, "projectUrl"));
        Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{id}.dll");
        Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{id}.xml");
    }

    private static string Readme(ZipArchive package)
    {
        using var reader = new StreamReader(package.GetEntry("README.md")!.Open());
        return reader.ReadToEnd();
    }

    [Fact]
    public void MLNetPackage_ReadmeShowsBothRoutesSaveLoadThreadSafetyAndWeight_AndShipsTheSamplesItNames()
    {
        using var package = ZipFile.OpenRead(PackageFeed.Package("RnnPipeline.MLNet"));
        string readme = Readme(package);
        foreach (string topic in new[] { "FeaturizeCharRnn(", "ApplyCharRnn(", ".SaveWithCharRnn(", ".LoadWithCharRnn(", "CharRnnTransformer.Load(",
                     "## Thread safety", "GuardCollections", "-r linux-x64", "MB", "WriteReport(", "RnnPipeline.MLNet.Reporting" })
            Assert.Contains(topic, readme);
        string[] samples = [.. Directory.GetFiles(Path.Combine(PackageFeed.Repository, "samples"), "*Sample.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))];
        Assert.NotEmpty(samples);
        foreach (string sample in samples)
        {
            string folder = Path.GetFileName(Path.GetDirectoryName(sample))!;
            Assert.Contains(package.Entries, e => e.FullName == $"samples/{folder}/{Path.GetFileName(sample)}");
            Assert.Contains($"`{folder}`", readme);
        }
    }

    /// <summary>The publisher's repository address reaches the .nuspec as project page and repository (packed to a scratch folder).</summary>
    [Fact]
    public void Pack_WithRepositoryUrl_RecordsProjectPageAndRepository()
    {
        string output = Directory.CreateTempSubdirectory("rnnpipeline-pack-").FullName;
        try
        {
            const string url = "https://example.invalid/rnnpipeline";              // a reserved name: no real address
            var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { "pack", Path.Combine(PackageFeed.Repository, "src", "RnnPipeline.Core", "RnnPipeline.Core.csproj"),
                         "-c", "Release", "--no-build", "-nologo", "-v", "quiet", "-o", output, $"-p:RnnPipelineRepositoryUrl={url}" })
                info.ArgumentList.Add(a);
            foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToArray())
                info.Environment.Remove(key);
            using var process = System.Diagnostics.Process.Start(info)!;
            string log = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, log);
            using var package = ZipFile.OpenRead(Directory.GetFiles(output, "RnnPipeline.Core.*.nupkg").Single());
            var metadata = Metadata(package);
            Assert.Equal(url, Field(metadata, "projectUrl"));
            Assert.Equal(url, metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url")!.Value);
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    [Fact]
    public void TrainingPackage_ShipsTheRepositorysLoaderFixAsBuildTransitive()
    {
        using var package = ZipFile.OpenRead(PackageFeed.Package("RnnPipeline.Training"));
        var targets = package.Entries.Single(e => e.FullName == "buildTransitive/RnnPipeline.Training.targets");
        using var reader = new StreamReader(targets.Open());
        string shipped = reader.ReadToEnd();
        string shared = File.ReadAllText(Path.Combine(PackageFeed.Repository, "src", "RnnPipeline.Training", "buildTransitive", "RnnPipeline.Training.targets"));
        Assert.Equal(shared, shipped);
        // The repository's own build imports the same file instead of a copy of the task.
        string repositoryTargets = File.ReadAllText(Path.Combine(PackageFeed.Repository, "Directory.Build.targets"));
        Assert.Contains("buildTransitive/RnnPipeline.Training.targets", repositoryTargets);
        Assert.DoesNotContain("MarkGlibcxxVersionWeak", repositoryTargets);
    }

    private static (string Version, Dictionary<string, string> Dependencies) Dependencies(string id)
    {
        using var package = ZipFile.OpenRead(PackageFeed.Package(id));
        var metadata = Metadata(package);
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);
        return (Field(metadata, "version")!, dependencies);
    }

    [Fact]
    public void MLNetPackage_DependsOnTheTrainingAndDataViewsPackagesOfTheSameVersion()
    {
        var (version, dependencies) = Dependencies("RnnPipeline.MLNet");
        Assert.Equal(version, dependencies["RnnPipeline.Training"]);
        Assert.Equal(version, dependencies["RnnPipeline.DataViews"]);
        Assert.Contains("Microsoft.ML", dependencies.Keys);
    }

    /// <summary>Featurizer users restore no plotting package: the report is a package apart that brings it.</summary>
    [Fact]
    public void MLNetPackage_DependsOnNoPlottingPackage_AndTheReportPackageBringsIt()
    {
        var (version, featurizer) = Dependencies("RnnPipeline.MLNet");
        Assert.DoesNotContain(featurizer.Keys, d => d == "RnnPipeline.Reporting" || d.StartsWith("OxyPlot", StringComparison.Ordinal) || d.StartsWith("HarfBuzzSharp", StringComparison.Ordinal));
        var (_, report) = Dependencies("RnnPipeline.MLNet.Reporting");
        Assert.Equal(["RnnPipeline.MLNet", "RnnPipeline.Reporting"], report.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(version, report["RnnPipeline.Reporting"]);
    }

    [Fact]
    public void DataViewsPackage_DependsOnCoreAndMicrosoftMLOnly()
    {
        var (version, dependencies) = Dependencies("RnnPipeline.DataViews");
        Assert.Equal(["Microsoft.ML", "RnnPipeline.Core"], dependencies.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(version, dependencies["RnnPipeline.Core"]);
    }
}
