namespace RnnPipeline.Tests.Packaging;

/// <summary>The local folder feed that <c>make pack</c> fills (and <c>make test</c> runs first).</summary>
internal static class PackageFeed
{
    public static readonly string[] Ids = ["RnnPipeline.Core", "RnnPipeline.Training", "RnnPipeline.DataViews", "RnnPipeline.Reporting", "RnnPipeline.MLNet"];

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    /// <summary>The feed folder: RNNPIPELINE_PACKAGE_FEED (set by the Makefile) or out/packages of the repository.</summary>
    public static string Folder
    {
        get
        {
            string folder = Environment.GetEnvironmentVariable("RNNPIPELINE_PACKAGE_FEED") is { Length: > 0 } set
                ? set : Path.Combine(RepositoryRoot(), "out", "packages");
            Assert.True(Ids.All(id => Directory.EnumerateFiles(folder, id + ".*.nupkg").Any()),
                $"the package feed '{folder}' lacks {string.Join(", ", Ids)}: run 'make pack' (make test runs it first)");
            return folder;
        }
    }

    /// <summary>The newest .nupkg of <paramref name="id"/> in the feed.</summary>
    public static string Package(string id) =>
        Directory.EnumerateFiles(Folder, id + ".*.nupkg").Where(f => char.IsDigit(Path.GetFileName(f)[(id.Length + 1)..][0]))
            .OrderByDescending(File.GetLastWriteTimeUtc).First();

    /// <summary>The NuGet cache this machine restored the repository into: NUGET_PACKAGES or ~/.nuget/packages.</summary>
    public static string UserCache =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public static bool IsInside(string path, string folder) =>
        Path.GetFullPath(path).StartsWith(Path.GetFullPath(folder).TrimEnd('/') + "/", StringComparison.Ordinal);

    public static string Repository => RepositoryRoot();
}
