using System.Reflection;
using System.Xml.Linq;
using RnnPipeline.DataViews;
using RnnPipeline.Diagnostics;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Reporting;
using RnnPipeline.Training;
using RnnPipeline.Worker.Jobs;

namespace RnnPipeline.Tests.Foundation;

/// <summary>
/// The project graph is the data flow (README, "Data flow"): data views on disk → DataViews loads them into Core's
/// RunRecording → Reporting. Each project may reference only the projects and packages of its stage, so a heavy
/// dependency (TorchSharp, Microsoft.ML, OxyPlot, Hosting) stays where the README says it is. Checked in the project
/// files, transitively, and in the built assemblies (which catch a use through a transitive reference).
/// </summary>
public sealed class ProjectGraphTests
{
    /// <summary>What each project under src/ may reference: projects (by name) and packages.</summary>
    private static readonly Dictionary<string, (string[] Projects, string[] Packages)> Allowed = new()
    {
        ["RnnPipeline.Core"] = ([], []),
        ["RnnPipeline.Training"] = (["RnnPipeline.Core"], ["TorchSharp-cpu"]),
        ["RnnPipeline.DataViews"] = (["RnnPipeline.Core"], ["Microsoft.ML"]),
        ["RnnPipeline.MLNet"] = (["RnnPipeline.Training", "RnnPipeline.DataViews"], ["Microsoft.ML"]),
        ["RnnPipeline.MLNet.Reporting"] = (["RnnPipeline.MLNet", "RnnPipeline.Reporting"], []),
        ["RnnPipeline.Reporting"] = (["RnnPipeline.Core"],
            ["OxyPlot.Core", "OxyPlot.SkiaSharp", "SkiaSharp", "SkiaSharp.NativeAssets.Linux.NoDependencies", "HarfBuzzSharp.NativeAssets.Linux"]),
        ["RnnPipeline.Worker"] = (["RnnPipeline.Core", "RnnPipeline.Training", "RnnPipeline.DataViews", "RnnPipeline.Reporting"],
            ["Microsoft.Extensions.Hosting", "Microsoft.Extensions.Options.DataAnnotations"]),
        ["RnnPipeline.Bench"] = (["RnnPipeline.Training"], []),
    };

    /// <summary>Heavy assemblies by name prefix, and the package that brings each.</summary>
    private static readonly (string Prefix, string Package)[] Heavy =
    [
        ("TorchSharp", "TorchSharp-cpu"),
        ("Microsoft.ML", "Microsoft.ML"),
        ("OxyPlot", "OxyPlot.Core"),
        ("SkiaSharp", "SkiaSharp"),
        ("Microsoft.Extensions", "Microsoft.Extensions.Hosting"),
    ];

    private static string Source([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "src"));

    /// <summary>The project and package references of every project file under src/, by project name.</summary>
    private static Dictionary<string, (string[] Projects, string[] Packages)> ProjectFiles() =>
        Directory.GetFiles(Source(), "*.csproj", SearchOption.AllDirectories).ToDictionary(
            path => Path.GetFileNameWithoutExtension(path),
            path =>
            {
                var items = XDocument.Load(path).Descendants().ToArray();
                string[] Included(string item) => items.Where(e => e.Name.LocalName == item).Select(e => e.Attribute("Include")!.Value).ToArray();
                return (Included("ProjectReference").Select(p => Path.GetFileNameWithoutExtension(p.Replace('\\', '/'))).ToArray(), Included("PackageReference"));
            });

    /// <summary><paramref name="project"/> and every project it may reach through the allowed references.</summary>
    private static HashSet<string> AllowedClosure(string project)
    {
        var reached = new HashSet<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
            if (reached.Add(next))
                foreach (string reference in Allowed[next].Projects) pending.Push(reference);
        return reached;
    }

    /// <summary>The references among <paramref name="referencedAssemblies"/> that the built assembly of <paramref name="project"/> must not have.</summary>
    private static string[] ForbiddenAssemblies(string project, IEnumerable<string> referencedAssemblies)
    {
        var closure = AllowedClosure(project);
        var packages = closure.SelectMany(p => Allowed[p].Packages).ToHashSet();
        return referencedAssemblies.Where(name =>
            name.StartsWith("RnnPipeline.", StringComparison.Ordinal)
                ? !closure.Contains(name)
                : Heavy.Any(h => (name == h.Prefix || name.StartsWith(h.Prefix + ".", StringComparison.Ordinal)) && !packages.Contains(h.Package))).ToArray();
    }

    [Fact]
    public void EveryProject_ReferencesOnlyWhatItsStageAllows()
    {
        var files = ProjectFiles();
        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));           // a new project needs a row in the table
        foreach (var (project, (projects, packages)) in files)
        {
            string[] extraProjects = projects.Except(Allowed[project].Projects).ToArray();
            string[] extraPackages = packages.Except(Allowed[project].Packages).ToArray();
            Assert.True(extraProjects.Length == 0 && extraPackages.Length == 0,
                $"{project} references {string.Join(", ", extraProjects.Concat(extraPackages))}, which its stage of the data flow must not " +
                "(see the README's data flow): move the code that needs it to the stage that has it");
        }
    }

    [Theory]
    [InlineData("TorchSharp-cpu", new[] { "RnnPipeline.Training", "RnnPipeline.MLNet", "RnnPipeline.MLNet.Reporting", "RnnPipeline.Worker", "RnnPipeline.Bench" })]
    [InlineData("Microsoft.ML", new[] { "RnnPipeline.DataViews", "RnnPipeline.MLNet", "RnnPipeline.MLNet.Reporting", "RnnPipeline.Worker" })]
    [InlineData("OxyPlot.Core", new[] { "RnnPipeline.Reporting", "RnnPipeline.MLNet.Reporting", "RnnPipeline.Worker" })]
    [InlineData("Microsoft.Extensions.Hosting", new[] { "RnnPipeline.Worker" })]
    public void HeavyPackage_IsReachedOnlyFromTheStagesThatUseIt(string package, string[] stages)
    {
        var files = ProjectFiles();
        HashSet<string> Reached(string project) =>
            [.. files[project].Packages, .. files[project].Projects.SelectMany(Reached)];
        string[] reaching = files.Keys.Where(p => Reached(p).Contains(package)).ToArray();
        Assert.NotEmpty(reaching);
        string[] others = reaching.Except(stages).ToArray();
        Assert.True(others.Length == 0, $"{package} is reached from {string.Join(", ", others)}, outside the stages that use it");
    }

    [Theory]
    [InlineData("RnnPipeline.Core", typeof(RunTables))]
    [InlineData("RnnPipeline.Training", typeof(TrainingSession))]
    [InlineData("RnnPipeline.DataViews", typeof(RunDataViews))]
    [InlineData("RnnPipeline.MLNet", typeof(CharRnnEstimator))]
    [InlineData("RnnPipeline.MLNet.Reporting", typeof(CharRnnReport))]
    [InlineData("RnnPipeline.Reporting", typeof(SuiteReport))]
    [InlineData("RnnPipeline.Worker", typeof(SuiteRunner))]
    public void BuiltAssembly_ReferencesNoAssemblyOutsideItsStage(string project, Type anchor)
    {
        Assembly assembly = anchor.Assembly;
        Assert.Equal(project, assembly.GetName().Name);
        string[] forbidden = ForbiddenAssemblies(project, assembly.GetReferencedAssemblies().Select(a => a.Name!));
        Assert.True(forbidden.Length == 0, $"{project}.dll references {string.Join(", ", forbidden)}");
    }

    /// <summary>A featurizer user restores no plotting package: the ML.NET package reaches neither Reporting nor OxyPlot.</summary>
    [Fact]
    public void MLNet_ReachesNoPlottingPackage()
    {
        Assert.DoesNotContain("RnnPipeline.Reporting", AllowedClosure("RnnPipeline.MLNet"));
        string[] names = [.. typeof(CharRnnEstimator).Assembly.GetReferencedAssemblies().Select(a => a.Name!)];
        Assert.DoesNotContain(names, n => n.StartsWith("OxyPlot", StringComparison.Ordinal) || n == "RnnPipeline.Reporting");
    }

    [Fact]
    public void ForbiddenAssemblies_FindsMicrosoftMLOrTorchSharpInReporting_AndNothingInItsOwnReferences()
    {
        Assert.Equal(["Microsoft.ML.DataView", "TorchSharp", "RnnPipeline.DataViews"],
            ForbiddenAssemblies("RnnPipeline.Reporting", ["RnnPipeline.Core", "OxyPlot", "Microsoft.ML.DataView", "TorchSharp", "RnnPipeline.DataViews", "System.Runtime"]));
        Assert.Empty(ForbiddenAssemblies("RnnPipeline.Reporting", ["RnnPipeline.Core", "OxyPlot", "OxyPlot.SkiaSharp", "System.Runtime"]));
        Assert.Equal(["Microsoft.Extensions.Hosting"], ForbiddenAssemblies("RnnPipeline.Core", ["Microsoft.Extensions.Hosting", "System.Runtime"]));
    }

    /// <summary>The worker saves and loads runs through <see cref="RunDataViews()"/>: ML.NET stays behind DataViews.</summary>
    [Fact]
    public void Worker_NeverUsesMicrosoftMLItself()
    {
        var names = typeof(SuiteRunner).Assembly.GetReferencedAssemblies().Select(a => a.Name!);
        Assert.DoesNotContain(names, n => n.StartsWith("Microsoft.ML", StringComparison.Ordinal));
        string worker = Path.Combine(Source(), "RnnPipeline.Worker");
        var files = Directory.GetFiles(worker, "*.cs", SearchOption.AllDirectories)
            .Where(f => Path.GetRelativePath(worker, f).Split('/', '\\')[0] is not ("bin" or "obj"))
            .Where(f => File.ReadAllText(f).Contains("Microsoft.ML", StringComparison.Ordinal));
        Assert.Empty(files);
    }
    /// <summary>
    /// Every packed library carries a public-API baseline that the build checks (RS0016/RS0017 fail it), and the
    /// baseline names every public type of the built assembly: a public change cannot pass review unnoticed.
    /// </summary>
    [Theory]
    [InlineData(typeof(RunTables))]
    [InlineData(typeof(TrainingSession))]
    [InlineData(typeof(RunDataViews))]
    [InlineData(typeof(CharRnnEstimator))]
    [InlineData(typeof(CharRnnReport))]
    [InlineData(typeof(SuiteReport))]
    public void PackedLibrary_HasAPublicApiBaselineNamingEveryPublicType(Type anchor)
    {
        string project = anchor.Assembly.GetName().Name!;
        string folder = Path.Combine(Source(), project);
        Assert.Contains("<IsPackable>true</IsPackable>", File.ReadAllText(Path.Combine(folder, project + ".csproj")), StringComparison.Ordinal);
        string baseline = string.Concat(new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" }.Select(f => File.ReadAllText(Path.Combine(folder, f))));
        string[] missing = anchor.Assembly.GetExportedTypes()
            .Select(t => (t.FullName ?? t.Name).Replace('+', '.'))
            .Select(name => name.Split('`')[0])
            .Where(name => !baseline.Contains(name, StringComparison.Ordinal))
            .ToArray();
        Assert.True(missing.Length == 0, $"{project}: public types missing from PublicAPI.*.txt (run make api): {string.Join(", ", missing)}");
    }

    [Fact]
    public void EveryPackableProject_IsCheckedForABaseline()
    {
        string[] packable = Directory.GetFiles(Source(), "*.csproj", SearchOption.AllDirectories)
            .Where(p => File.ReadAllText(p).Contains("<IsPackable>true</IsPackable>", StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        string[] checkedProjects = new[] { typeof(RunTables), typeof(TrainingSession), typeof(RunDataViews), typeof(CharRnnEstimator), typeof(CharRnnReport), typeof(SuiteReport) }
            .Select(t => t.Assembly.GetName().Name!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(packable, checkedProjects);
    }
}
