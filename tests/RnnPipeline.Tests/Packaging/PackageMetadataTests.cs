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
        Assert.Null(Field(metadata, "repository"));
        Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{id}.dll");
        Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{id}.xml");
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

    [Fact]
    public void DataViewsPackage_DependsOnCoreAndMicrosoftMLOnly()
    {
        var (version, dependencies) = Dependencies("RnnPipeline.DataViews");
        Assert.Equal(["Microsoft.ML", "RnnPipeline.Core"], dependencies.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(version, dependencies["RnnPipeline.Core"]);
    }
}
