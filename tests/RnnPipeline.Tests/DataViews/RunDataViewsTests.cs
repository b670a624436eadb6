using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.DataViews;
using RnnPipeline.DataViews.Schemas;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Tests.Core;

namespace RnnPipeline.Tests.DataViews;

public sealed class RunDataViewsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-views-").FullName;
    private readonly MLContext _ml = new(seed: 0);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaveThenLoad_RoundTripsEveryRecordAndTheRunInfo()
    {
        var run = Recordings.Make("a", Activation.Sigmoid);
        var views = new RunDataViews(_ml);
        views.Save(run, _folder);
        var loaded = views.Load(_folder);

        Assert.Equal(run.Info, loaded.Info);
        Assert.Equal(run.Metrics, loaded.Metrics);
        Assert.Equal(run.Clips, loaded.Clips);
        Assert.Equal(run.Evaluations, loaded.Evaluations);
        Assert.Equal(run.NonFinite, loaded.NonFinite);
        Assert.Equal(run.Timesteps, loaded.Timesteps);
        Assert.Equal(run.Lags, loaded.Lags);
        Assert.Equal(run.Probes, loaded.Probes);
        Assert.Equal(run.GradientFlow.Select(g => (g.Step, g.HiddenGradNorms.ToList())), loaded.GradientFlow.Select(g => (g.Step, g.HiddenGradNorms.ToList())));
        var (s, l) = (run.Stability.Single(), loaded.Stability.Single());
        Assert.Equal(s with { Lyapunov = [] }, l with { Lyapunov = [] });
        Assert.Equal(s.Lyapunov, l.Lyapunov);
    }

    [Fact]
    public void Save_WritesIdvAndCsvPerTable_CsvHasHeaderAndValues()
    {
        var views = new RunDataViews(_ml);
        views.Save(Recordings.Make("a", Activation.Tanh), _folder);
        Assert.Equal(RunTables.All.Select(t => t.Name).Order(StringComparer.Ordinal), views.TableNames.Order(StringComparer.Ordinal));
        foreach (string table in views.TableNames)
        {
            Assert.True(File.Exists(Path.Combine(_folder, table + ".idv")), table);
            Assert.True(File.Exists(Path.Combine(_folder, table + ".csv")), table);
        }
        string[] lines = File.ReadAllLines(Path.Combine(_folder, "metrics.csv"));
        string[] header = lines[0].Split(',');
        Assert.Equal(4, lines.Length);
        Assert.Contains("PreClipNorm", header);
        string[] first = lines[1].Split(',');
        Assert.Equal("suite/a", first[Array.IndexOf(header, "RunId")]);
        Assert.Equal(6.0, double.Parse(first[Array.IndexOf(header, "PreClipNorm")], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void LoadTable_OfSeveralRuns_ConcatenatesWithDistinctRunIds()
    {
        var views = new RunDataViews(_ml);
        string[] folders = new[] { "a", "b", "c" }.Select(n => Path.Combine(_folder, n)).ToArray();
        views.Save(Recordings.Make("a", Activation.Tanh), folders[0]);
        views.Save(Recordings.Make("b", Activation.Sigmoid), folders[1]);
        views.Save(Recordings.Make("c", Activation.Relu), folders[2]);

        var rows = _ml.Data.CreateEnumerable<MetricRow>(views.LoadTable(folders, RunTables.Metrics), reuseRowObject: false).ToArray();
        Assert.Equal(9, rows.Length);
        Assert.Equal(["suite/a", "suite/b", "suite/c"], rows.Select(r => r.RunId).Distinct());
        Assert.Equal(["Tanh", "Sigmoid", "Relu"], rows.Select(r => r.Activation).Distinct());
    }

    [Theory]
    [InlineData("metrics.idv")]
    [InlineData("lags.csv")]
    public void Load_DamagedFile_IsRejectedNamingIt(string file)
    {
        var views = new RunDataViews(_ml);
        views.Save(Recordings.Make("a", Activation.Tanh), _folder);
        using (var stream = new FileStream(Path.Combine(_folder, file), FileMode.Open))
        {
            stream.Position = stream.Length / 2;
            stream.Write("XXXXXXXX"u8);
        }
        var e = Assert.Throws<InputException>(() => views.Load(_folder));
        Assert.Contains(file, e.Message);
        Assert.Contains("damaged", e.Message);
    }

    private sealed class ProbeRowWithoutCounts
    {
        public int Lag { get; set; }
        public double Accuracy { get; set; }
    }

    [Fact]
    public void Load_ATableOfAnOlderVersionWithoutAColumn_IsBadInputNamingTheColumn()
    {
        var views = new RunDataViews(_ml);
        views.Save(Recordings.Make("a", Activation.Tanh), _folder);
        string probes = Path.Combine(_folder, RunTables.Probes + ".idv");
        using (var stream = new FileStream(probes, FileMode.Create))
            _ml.Data.SaveAsBinary(_ml.Data.LoadFromEnumerable([new ProbeRowWithoutCounts { Lag = 4, Accuracy = 0.75 }]), stream);
        string sums = Path.Combine(_folder, RnnPipeline.IO.FileChecksums.FileName);
        File.WriteAllLines(sums, File.ReadAllLines(sums).Select(l => l.EndsWith(" probes.idv", StringComparison.Ordinal) ? $"{RnnPipeline.IO.FileChecksums.Hash(probes)}  probes.idv" : l));

        string message = Assert.Throws<InputException>(() => views.Load(_folder)).Message;
        Assert.Contains("probes.idv' has no column ", message);
        Assert.Contains("Correct", message);
        Assert.DoesNotContain("Accuracy", message);
        Assert.Contains("train the run again", message);
    }

    [Fact]
    public void Load_WithoutChecksums_IsRejected()
    {
        var views = new RunDataViews(_ml);
        views.Save(Recordings.Make("a", Activation.Tanh), _folder);
        File.Delete(Path.Combine(_folder, RnnPipeline.IO.FileChecksums.FileName));
        Assert.Contains("SHA256SUMS", Assert.Throws<InputException>(() => views.Load(_folder)).Message);
    }

    [Fact]
    public void FilterRowsByColumn_OnJacobianNorm_KeepsRowsInRange()
    {
        var views = new RunDataViews(_ml);
        var timesteps = views.View(Recordings.Make("a", Activation.Tanh), RunTables.Timesteps);
        var filtered = _ml.Data.FilterRowsByColumn(timesteps, nameof(TimestepRow.JacobianNorm), lowerBound: 0.8, upperBound: 10);
        var rows = _ml.Data.CreateEnumerable<TimestepRow>(filtered, reuseRowObject: false).ToArray();
        Assert.Equal([1], rows.Select(r => r.Timestep));
    }

    [Fact]
    public void Schema_RunMetadataColumns_AreTheLastColumnsOfEveryTable()
    {
        var views = new RunDataViews(_ml);
        var run = Recordings.Make("a", Activation.Tanh);
        string[] metadata = views.View(run, RunTables.Runs).Schema.Select(c => c.Name).ToArray();
        Assert.Contains("RunId", metadata);
        foreach (string table in new[] { RunTables.Metrics, RunTables.Timesteps, RunTables.Lags })
        {
            string[] columns = views.View(run, table).Schema.Select(c => c.Name).ToArray();
            Assert.Equal(metadata, columns[^metadata.Length..]);                  // as docs/data-views.md says
        }
    }

    [Fact]
    public void FilterRowsByColumn_OnInt32Step_ThrowsAndTheDocumentedConversionWorks()
    {
        var timesteps = new RunDataViews(_ml).View(Recordings.Make("a", Activation.Tanh), RunTables.Timesteps);
        Assert.ThrowsAny<Exception>(() => _ml.Data.FilterRowsByColumn(timesteps, "Step", lowerBound: 0).Preview());

        // The route docs/data-views.md gives: convert Step to Double, then filter.
        var steps = _ml.Transforms.Conversion.ConvertType("StepValue", "Step", DataKind.Double).Fit(timesteps).Transform(timesteps);
        var kept = _ml.Data.FilterRowsByColumn(steps, "StepValue", lowerBound: 0, upperBound: 1);
        Assert.Equal(2, kept.GetColumn<int>("Timestep").Count());
    }
}
