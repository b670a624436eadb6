using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Samples;

namespace RnnPipeline.Tests.MLNet.Reporting;

/// <summary>The report of a fit (<see cref="CharRnnReport.WriteReport"/>): the worker's files, and folders it must not write into refused.</summary>
public sealed class CharRnnReportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-charrnn-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void WriteReport_WritesTheWorkersDataViewsAndHtml_AndRefusesForeignFoldersAndLinks()
    {
        var ml = new MLContext(seed: 0);
        using var fitted = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", CharRnnPipelineTests.Tiny(o => o.Run.Diagnostics.Every = 10)).Fit(CharRnnPipelineTests.Lines(ml, 3000, 1));
        string folder = Path.Combine(_folder, "report");
        string html = fitted.WriteReport(folder);
        Assert.Equal(Path.Combine(folder, "report.html"), html);
        Assert.Contains("char-RNN featurizer", File.ReadAllText(html));
        Assert.True(File.Exists(Path.Combine(folder, "charrnn", "data", "metrics.idv")));
        Assert.True(File.Exists(Path.Combine(folder, "charrnn", "data", "SHA256SUMS")));
        Assert.Equal(20, new RnnPipeline.DataViews.RunDataViews(ml).Load(Path.Combine(folder, "charrnn", "data")).Metrics.Count);
        fitted.WriteReport(folder);                                              // its own earlier report: rewritten

        string foreign = Path.Combine(_folder, "foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "mine");
        var error = Assert.Throws<InputException>(() => fitted.WriteReport(foreign));
        Assert.Contains("'notes.txt'", error.Message);

        string link = Path.Combine(_folder, "link");
        Directory.CreateSymbolicLink(link, foreign);
        Assert.Contains("symbolic link", Assert.Throws<InputException>(() => fitted.WriteReport(link)).Message);

        string saved = Path.Combine(_folder, "charrnn.bin");
        fitted.Save(saved);
        using var loaded = CharRnnTransformer.Load(ml, saved);
        Assert.Contains("holds no training records", Assert.Throws<InputException>(() => loaded.WriteReport(Path.Combine(_folder, "other"))).Message);
    }

    [Fact]
    public void WriteReport_NamesTheMLNetSide_RowsVocabularyFeaturesPoolingAndCache()
    {
        var ml = new MLContext(seed: 0);
        var rows = LineClassificationSample.Lines(3000, 1).ToArray();
        using var fitted = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", CharRnnPipelineTests.Tiny(o => o.Pooling = CharRnnPooling.Mean)).Fit(ml.Data.LoadFromEnumerable(rows));
        var data = ml.Data.LoadFromEnumerable(rows);
        for (int pass = 0; pass < 3; pass++) fitted.Transform(data).GetColumn<float[]>("F").ToArray();   // one pass runs the RNN, two are cached
        Assert.Equal(2, fitted.CacheHits);
        string side = System.Net.WebUtility.HtmlDecode(File.ReadAllText(fitted.WriteReport(Path.Combine(_folder, "side"))));
        Assert.Contains($"ML.NET side: trained on {rows.Count(r => r.Text.Length > 0)} rows", side);
        Assert.Contains($"vocabulary of {fitted.Model.Characters.Length - 1} characters", side);
        Assert.Contains("'F' holds 8 features (Mean pooling, UnitLength normalization)", side);
        Assert.Contains($"{fitted.RowsRead} rows run through the RNN", side);
        Assert.Contains("feature cache on, 2 passes served from it", side);
    }
}
