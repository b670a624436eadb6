using System.Runtime.CompilerServices;
using RnnPipeline.DataViews;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Reporting;
using RnnPipeline.Tests.Packaging;

namespace RnnPipeline.Tests.Core;

/// <summary>
/// The record kinds and tables are declared once (<see cref="IRunRecord"/>, <see cref="RunTables.All"/>): every table
/// is a data view, a link of the report and a section of docs/data-views.md, and every kind has a list in the recording.
/// </summary>
public sealed class RunTablesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-tables-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void All_EveryTableIsADataView()
    {
        Assert.Equal(RunTables.All.Select(t => t.Name).Order(StringComparer.Ordinal), new RunDataViews().TableNames.Order(StringComparer.Ordinal));
        Assert.Equal(RunTables.All.Count, RunTables.All.Select(t => t.Name).Distinct().Count());
    }

    [Fact]
    public void All_EveryTableIsLinkedFromTheReport()
    {
        var run = Recordings.Make("a", Activation.Tanh);
        string html = File.ReadAllText(SuiteReport.Write(_folder, "tables", "tables", [new ReportRun(run, new RunSpec { Name = "a" }, "a/data")]));
        foreach (var table in RunTables.All)
            Assert.Contains($"<a href=\"a/data/{table.Name}.csv\"", html);
    }

    [Fact]
    public void All_EveryTableHasItsSectionInTheDataViewsDoc()
    {
        string doc = File.ReadAllText(Path.Combine(PackageFeed.Repository, "docs", "data-views.md"));
        string[] missing = [.. RunTables.All.Where(t => !doc.Contains($"\n## {t.Name} — {t.Rows}\n", StringComparison.Ordinal)).Select(t => t.Name)];
        Assert.True(missing.Length == 0, $"docs/data-views.md has no heading '## <name> — <rows>' for {string.Join(", ", missing)}");
    }

    [Fact]
    public void Record_EveryKindOfRecord_HasAListInTheRecording()
    {
        var kinds = typeof(IRunRecord).Assembly.GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract && t.IsAssignableTo(typeof(IRunRecord))).ToArray();
        Assert.Equal(7, kinds.Length);
        foreach (var kind in kinds)
        {
            var recording = Recordings.Make("a", Activation.Tanh);
            var record = (IRunRecord)RuntimeHelpers.GetUninitializedObject(kind);
            if (record is StabilitySnapshot) record = new StabilitySnapshot(new StabilitySummary(0, 1, 1, 1, 1, [], 1, 0), [], []);
            recording.Record(record);
        }
        Assert.Contains("has no list", Assert.Throws<ArgumentException>(() => Recordings.Make("a", Activation.Tanh).Record(new OtherRecord(1))).Message);
    }

    private sealed record OtherRecord(int Step) : IRunRecord;
}
